"""Time zones: IANA names, offsets, abbreviations and labels."""

from __future__ import annotations

import datetime as _dt
import functools
import math
import re
import unicodedata
import zoneinfo

from rmatch.parsing._text import (
    MAX_LEN,
    ParseError,
    is_missing,
    is_number,
    quoted,
    to_text,
)
from rmatch.parsing._week import (
    DEFAULT_REFERENCE_MONDAY,
    SLOT_MINUTES,
)

# ------------------------------------------------------------------------ time zones

_TZ_FIX = (
    "write an IANA name such as Asia/Ho_Chi_Minh or Europe/Berlin, UTC, an offset "
    "such as UTC+7, UTC-05:30 or +07:00, or an abbreviation such as ET, PT, CET, "
    "IST, JST"
)


def _fixed(hours: float, name: str | None = None) -> _dt.timezone:
    delta = _dt.timedelta(minutes=round(hours * 60))
    return _dt.timezone(delta, name) if name else _dt.timezone(delta)


_TZ_NAMES: dict[str, str | _dt.tzinfo] = {
    # generic US names follow daylight saving time
    "et": "America/New_York",
    "eastern": "America/New_York",
    "eastern time": "America/New_York",
    "us eastern": "America/New_York",
    "ct": "America/Chicago",
    "central": "America/Chicago",
    "central time": "America/Chicago",
    "us central": "America/Chicago",
    "mt": "America/Denver",
    "mountain": "America/Denver",
    "mountain time": "America/Denver",
    "us mountain": "America/Denver",
    "pt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles",
    "pacific time": "America/Los_Angeles",
    "us pacific": "America/Los_Angeles",
    # explicit standard / daylight abbreviations are fixed offsets
    "est": _fixed(-5, "EST"),
    "edt": _fixed(-4, "EDT"),
    "cst": _fixed(-6, "CST"),  # US Central, not China
    "cdt": _fixed(-5, "CDT"),
    "mst": _fixed(-7, "MST"),
    "mdt": _fixed(-6, "MDT"),
    "pst": _fixed(-8, "PST"),
    "pdt": _fixed(-7, "PDT"),
    "akst": _fixed(-9, "AKST"),
    "akdt": _fixed(-8, "AKDT"),
    "hst": _fixed(-10, "HST"),
    "brt": _fixed(-3, "BRT"),
    "wet": _fixed(0, "WET"),
    "west": _fixed(1, "WEST"),
    "bst": _fixed(1, "BST"),  # British Summer Time
    "cet": _fixed(1, "CET"),
    "cest": _fixed(2, "CEST"),
    "wat": _fixed(1, "WAT"),
    "eet": _fixed(2, "EET"),
    "eest": _fixed(3, "EEST"),
    "cat": _fixed(2, "CAT"),
    "sast": _fixed(2, "SAST"),
    "eat": _fixed(3, "EAT"),
    "msk": _fixed(3, "MSK"),
    "gst": _fixed(4, "GST"),  # Gulf
    "pkt": _fixed(5, "PKT"),
    "ist": _fixed(5.5, "IST"),  # India
    "npt": _fixed(5.75, "NPT"),
    "ict": _fixed(7, "ICT"),
    "wib": _fixed(7, "WIB"),
    "sgt": _fixed(8, "SGT"),
    "hkt": _fixed(8, "HKT"),
    "pht": _fixed(8, "PHT"),
    "awst": _fixed(8, "AWST"),
    "wita": _fixed(8, "WITA"),
    "jst": _fixed(9, "JST"),
    "kst": _fixed(9, "KST"),
    "wit": _fixed(9, "WIT"),
    "acst": _fixed(9.5, "ACST"),
    "aest": _fixed(10, "AEST"),
    "aedt": _fixed(11, "AEDT"),
    "nzst": _fixed(12, "NZST"),
    "nzdt": _fixed(13, "NZDT"),
    "utc": _dt.UTC,
    "gmt": _dt.UTC,
    "z": _dt.UTC,
    "zulu": _dt.UTC,
    "coordinated universal time": _dt.UTC,
    "greenwich mean time": _dt.UTC,
}

_SIGN = r"[+\-−–]"
_OFFSET_BODY = r"(?P<h>[0-9]{1,2})(?:(?::|h)?(?P<m>[0-9]{2})|\.(?P<frac>[0-9]{1,2}))?"
_FULL_OFFSET = re.compile(rf"^(?:(?:utc|gmt)\s*)?(?P<sign>{_SIGN})\s*{_OFFSET_BODY}$")
_PLAIN_NUMBER = re.compile(r"^(?P<h>[0-9]{1,2})(?:\.(?P<frac>[0-9]{1,2}))?$")
_EMBEDDED_OFFSET = re.compile(
    rf"(?:(?:utc|gmt)\s*(?P<sign>{_SIGN})\s*{_OFFSET_BODY}(?![0-9])"
    r"|\(\s*(?:utc|gmt)\s*\))"
)


def _offset_minutes(
    sign: str | None, hours: str, minutes: str | None, frac: str | None
) -> int:
    if frac is not None:
        if frac in ("5", "50", "25", "75"):
            extra = round(float("0." + frac) * 60)
        else:  # "5.30" is read as 5 h 30 min
            extra = int(frac.ljust(2, "0"))
    else:
        extra = int(minutes) if minutes else 0
    if extra >= 60 or int(hours) > 14:
        raise ParseError(
            f"time zone offset {sign or '+'}{hours}:{extra:02d} is out of range",
            _TZ_FIX,
        )
    total = int(hours) * 60 + extra
    return -total if sign is not None and sign != "+" else total


@functools.cache
def _zone_index() -> tuple[dict[str, str], dict[str, str]]:
    """Lower-case IANA key -> key, and lower-case last component -> key."""
    keys = sorted(
        (
            k
            for k in zoneinfo.available_timezones()
            if not k.startswith(("posix/", "right/"))
            and k not in ("localtime", "Factory")
        ),
        key=lambda k: (len(k), k),
    )
    by_key = {k.casefold(): k for k in keys}
    by_city: dict[str, str] = {}
    for k in keys:
        if "/" in k:
            by_city.setdefault(k.rsplit("/", 1)[1].casefold(), k)
    return by_key, by_city


def _zone(key: str) -> _dt.tzinfo | None:
    try:
        return zoneinfo.ZoneInfo(key)
    except (KeyError, ValueError, OSError):
        return None


def _tz_by_name(label: str) -> _dt.tzinfo | None:
    """Resolve an abbreviation, IANA name or city (lower-case ``label``)."""
    label = label.strip(" .,:;-")
    if not label:
        return None
    found = _TZ_NAMES.get(label)
    if isinstance(found, _dt.tzinfo):
        return found
    if isinstance(found, str):
        return _zone(found)
    by_key, by_city = _zone_index()
    underscored = re.sub(r"\s*/\s*", "/", label).replace(" ", "_")
    key = by_key.get(underscored) or by_city.get(underscored)
    return _zone(key) if key else None


def _offsets_in_year(tz: _dt.tzinfo, year: int) -> set[int]:
    out = set()
    for month in (1, 4, 7, 10):
        delta = _dt.datetime(year, month, 15, 12).replace(tzinfo=tz).utcoffset()
        out.add(round(delta.total_seconds() / 60) if delta is not None else 0)
    return out


@functools.lru_cache(maxsize=2048)
def _parse_tz_text(text: str) -> _dt.tzinfo:
    key = " ".join(text.casefold().split())
    match = _FULL_OFFSET.match(key)
    if match is None:
        match = _PLAIN_NUMBER.match(key)
    if match is not None:
        groups = match.groupdict()
        minutes = _offset_minutes(
            groups.get("sign"), groups["h"], groups.get("m"), groups.get("frac")
        )
        return _dt.timezone(_dt.timedelta(minutes=minutes))
    found = _tz_by_name(key)
    if found is not None:
        return found
    offsets = list(_EMBEDDED_OFFSET.finditer(key))
    label = re.sub(r"\([^()]*\)", " ", _EMBEDDED_OFFSET.sub(" ", key))
    label = " ".join(label.replace("(", " ").replace(")", " ").split())
    if offsets:
        values = {
            _offset_minutes(m["sign"], m["h"], m["m"], m["frac"]) if m["h"] else 0
            for m in offsets
        }
        if len(values) == 1:
            minutes = values.pop()
            for candidate in [label, *re.split(r"[,/;]", label)]:
                zone = _tz_by_name(candidate)
                if zone is not None and minutes in _offsets_in_year(
                    zone, DEFAULT_REFERENCE_MONDAY.year
                ):
                    return zone
            return _dt.timezone(_dt.timedelta(minutes=minutes))
    elif label != key:
        found = _tz_by_name(label)
        if found is not None:
            return found
    raise ParseError(f"unknown time zone {quoted(text)}", _TZ_FIX)


def parse_timezone(value: object) -> _dt.tzinfo:
    """Parse a time zone.

    Parameters
    ----------
    value : object
        One of

        * an IANA name, any case (``"Asia/Ho_Chi_Minh"``, ``"america/new york"``)
          or a city of one (``"Bangkok"``);
        * ``"UTC"``, ``"Z"``, ``"GMT"``;
        * an offset: ``"UTC+7"``, ``"UTC-05:30"``, ``"GMT+2"``, ``"+07:00"``,
          ``"UTC+5.5"``, or a number of hours (``7``, ``-5``, ``5.5``);
        * an abbreviation: ``ET CT MT PT`` (US zones with daylight saving time),
          ``EST EDT CST CDT MST MDT PST PDT CET CEST BST IST JST AEST AEDT SGT
          ICT WIB`` and a few more (fixed offsets; CST is US Central, IST is India,
          BST is British Summer Time);
        * a label with an offset: ``"(GMT+07:00) Bangkok, Hanoi, Jakarta"``,
          ``"ET (UTC-5)"``, ``"CET (UTC +1)"``.

    Returns
    -------
    datetime.tzinfo
        A `zoneinfo.ZoneInfo` or a fixed `datetime.timezone`.

    Raises
    ------
    ParseError
        Missing or unknown values; the fix lists the accepted spellings.

    Notes
    -----
    ``"GMT+2"`` means two hours *ahead* of UTC, as people write it (the POSIX
    name ``"Etc/GMT+2"`` keeps its inverted IANA meaning). For a label with an
    offset, the label's zone is returned when the offset is one the zone uses
    during the reference year (``"ET (UTC-5)"`` -> America/New_York, so daylight
    saving time is kept); otherwise the written offset wins as a fixed offset.

    Examples
    --------
    >>> parse_timezone("asia/ho_chi_minh")
    zoneinfo.ZoneInfo(key='Asia/Ho_Chi_Minh')
    >>> parse_timezone("UTC-05:30")
    datetime.timezone(datetime.timedelta(days=-1, seconds=66600))
    >>> parse_timezone("ET (UTC-5)")
    zoneinfo.ZoneInfo(key='America/New_York')
    """
    if isinstance(value, _dt.tzinfo):
        return value
    if is_missing(value):
        raise ParseError("the time zone is missing", _TZ_FIX)
    if is_number(value):
        hours = float(value)  # type: ignore[arg-type]
        if not (math.isfinite(hours) and abs(hours) <= 14):
            raise ParseError(
                f"time zone offset {quoted(value)} is out of range", _TZ_FIX
            )
        return _fixed(hours)
    text = to_text(value)
    if len(text) > MAX_LEN:
        raise ParseError(f"unknown time zone {quoted(text)}", _TZ_FIX)
    return _parse_tz_text(unicodedata.normalize("NFKC", text))


def offset_slots(tz: _dt.tzinfo, day: _dt.date) -> int:
    """Return the UTC offset of ``tz`` at noon on ``day``, in whole slots.

    Parameters
    ----------
    tz : datetime.tzinfo
        The time zone.
    day : datetime.date
        The local day.

    Returns
    -------
    int
        Offset in ``SLOT_MINUTES`` slots, rounded (UTC+7 is 28).

    Raises
    ------
    ParseError
        The zone has no offset on that day.
    """
    try:
        delta = _dt.datetime.combine(day, _dt.time(12), tzinfo=tz).utcoffset()
    except (ValueError, OverflowError, TypeError) as exc:
        raise ParseError(f"time zone {tz!r} has no offset on {day}", _TZ_FIX) from exc
    seconds = delta.total_seconds() if delta is not None else 0.0
    return round(seconds / (SLOT_MINUTES * 60))
