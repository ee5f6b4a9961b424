"""Cell parsers: turn one spreadsheet / survey cell into a typed value.

Every function here is pure and accepts the values pandas produces for a cell
(``str``, ``float`` NaN, ``None``, ``int``, ``float``, lists for JSON records).
Every failure raises :class:`ParseError`, whose ``message`` says what is wrong and
whose ``fix`` says how to write the value instead; readers turn it into an
:class:`rmatch.errors.Issue` with the file, row and column. No other exception
escapes a public function, whatever the input.

Time is measured on a week of ``SLOTS_PER_WEEK`` slots of ``SLOT_MINUTES``
minutes; slot 0 is Monday 00:00-00:15 UTC. Availability is parsed into *local*
minute-of-week intervals and converted to UTC slots by :func:`to_utc_slots`.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import re
import unicodedata
import zoneinfo
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "DAYS",
    "DEFAULT_REFERENCE_MONDAY",
    "SLOTS_PER_WEEK",
    "SLOT_MINUTES",
    "ParseError",
    "is_missing",
    "normalize_email",
    "normalize_token",
    "parse_availability",
    "parse_datetime",
    "parse_float",
    "parse_int",
    "parse_likert",
    "parse_period_grid",
    "parse_role",
    "parse_set",
    "parse_skills",
    "parse_timezone",
    "parse_yes_no",
    "slots_to_text",
    "to_utc_slots",
]

SLOT_MINUTES = 15
SLOTS_PER_WEEK = 672  # 7 * 24 * 4; slot 0 = Monday 00:00-00:15 UTC
DEFAULT_REFERENCE_MONDAY = _dt.date(2026, 1, 5)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_DAY_MINUTES = 24 * 60
_WEEK_MINUTES = 7 * _DAY_MINUTES
_SLOTS_PER_DAY = _DAY_MINUTES // SLOT_MINUTES
_DAY_TITLES = tuple(d.title() for d in DAYS)
_MAX_LEN = 200  # longest time zone / timestamp / number text worth reading


class ParseError(ValueError):
    """A cell value cannot be read.

    Parameters
    ----------
    message : str
        What is wrong, in one sentence; also ``str(error)``.
    fix : str
        How to write the value so that it can be read.

    Attributes
    ----------
    message : str
        What is wrong.
    fix : str
        How to fix it.
    """

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, self.fix))


# --------------------------------------------------------------------------- helpers

_MISSING_TEXT = frozenset({"nan", "na", "n/a", "#n/a", "null", "<na>", "nat"})
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"


def _short(value: object, limit: int = 60) -> str:
    """Return ``repr``-like text of ``value`` cut to ``limit`` characters."""
    text = value if isinstance(value, str) else _safe_str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)


def _safe_str(value: object) -> str:
    try:
        return str(value)
    except Exception:  # an object whose __str__ fails: describe it by its type
        return f"<{type(value).__name__}>"


def _to_text(value: object) -> str:
    """Convert a non-missing cell value to text (``2.0`` -> ``"2"``)."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bytes | bytearray):
        text = bytes(value).decode("utf-8", errors="replace")
    elif isinstance(value, bool | np.bool_):
        text = "true" if value else "false"
    elif isinstance(value, int | np.integer):
        text = str(int(value))
    elif isinstance(value, float | np.floating):
        number = float(value)
        if math.isfinite(number) and number.is_integer() and abs(number) < 1e15:
            text = str(int(number))
        else:
            text = repr(number)
    else:
        try:
            text = str(value)
        except Exception as exc:
            raise ParseError(
                f"cannot read a value of type {type(value).__name__}",
                "write the value as text",
            ) from exc
    return text.strip().strip(_INVISIBLE).strip()


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def _split(text: str, separators: Iterable[str]) -> list[str]:
    """Split ``text`` on any of ``separators`` (new lines in any convention)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    seps = sorted({s for s in separators if s}, key=len, reverse=True)
    if not seps:
        return [text]
    return re.split("|".join(re.escape(s) for s in seps), text)


def _flatten(value: object) -> list[object]:
    """Return the cells inside a list-like value, or ``[value]``."""
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    if isinstance(value, np.ndarray):
        return list(value.ravel().tolist())
    return [value]


# ----------------------------------------------------------------- missing & tokens


def is_missing(value: object) -> bool:
    """Return whether a cell holds no answer.

    Parameters
    ----------
    value : object
        A cell value.

    Returns
    -------
    bool
        True for ``None``, NaN, ``pandas.NA`` / ``NaT``, empty or white-space-only
        text, the placeholders pandas reads as missing (``"nan"``, ``"NA"``,
        ``"N/A"``, ``"#N/A"``, ``"null"``, ``"<NA>"``, ``"NaT"``, any case) and
        empty lists. ``"none"`` is *not* missing (it is a valid role).

    Examples
    --------
    >>> is_missing(float("nan")), is_missing("  "), is_missing("N/A"), is_missing(0)
    (True, True, True, False)
    """
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    if isinstance(value, str):
        text = value.strip().strip(_INVISIBLE).strip()
        return not text or (len(text) <= 4 and text.casefold() in _MISSING_TEXT)
    if isinstance(value, bytes | bytearray):
        return not value.strip()
    if isinstance(value, np.datetime64 | np.timedelta64):
        return bool(np.isnat(value))
    if isinstance(value, list | tuple | set | frozenset | dict):
        return len(value) == 0
    if isinstance(value, np.ndarray):
        return value.size == 0
    return type(value).__name__ in ("NAType", "NaTType")


def normalize_token(text: str) -> str:
    """Normalise a category / set token for comparison.

    Unicode NFC normalisation (diacritics are kept), case folding, leading and
    trailing white space removed and inner white space collapsed to one space.

    Parameters
    ----------
    text : str
        The token. Other values are converted to text first.

    Returns
    -------
    str
        The normalised token; idempotent.

    Examples
    --------
    >>> normalize_token("  Social   MEDIA ")
    'social media'
    >>> normalize_token("Nguyễn  Thị")
    'nguyễn thị'
    """
    if not isinstance(text, str):
        text = "" if is_missing(text) else _to_text(text)
    out = text
    # Case folding can produce decomposed sequences; iterate to a fixed point so
    # that the function is idempotent (one or two rounds in practice).
    for _ in range(4):
        new = " ".join(unicodedata.normalize("NFC", out).casefold().split())
        new = unicodedata.normalize("NFC", new)
        if new == out:
            break
        out = new
    return out


def normalize_email(text: object) -> str:
    """Normalise an e-mail address: strip white space and case-fold.

    Parameters
    ----------
    text : object
        The address. Missing values give ``""``. The address is not validated.

    Returns
    -------
    str

    Examples
    --------
    >>> normalize_email(" bAr1@foo.com ")
    'bar1@foo.com'
    """
    if is_missing(text):
        return ""
    return _to_text(text).casefold()


# ------------------------------------------------------------------- sets & skills


def parse_set(value: object, separators: Iterable[str] = (";", "\n")) -> frozenset[str]:
    """Parse a multi-valued cell into a set of normalised tokens.

    Parameters
    ----------
    value : object
        Text such as ``"photography; running"``, a list / tuple / set of such
        texts (each element is split too), or a missing value.
    separators : iterable of str, default ``(";", "\\n")``
        Token separators. Survey multi-select answers usually need ``(",",)``.

    Returns
    -------
    frozenset of str
        Tokens normalised with :func:`normalize_token`; empty tokens dropped.
        A missing value gives an empty set.

    Examples
    --------
    >>> sorted(parse_set("Photography;  running\\nRunning;;"))
    ['photography', 'running']
    """
    separators = tuple(separators)
    if is_missing(value):
        return frozenset()
    tokens: set[str] = set()
    for item in _flatten(value):
        if is_missing(item):
            continue
        for part in _split(_to_text(item), separators):
            token = normalize_token(part)
            if token:
                tokens.add(token)
    return frozenset(tokens)


_LEVEL_FIX = "levels are whole numbers 1-5, written 'python:4' or 'python (4)'"
_LEVEL_NUMBER = re.compile(r"^\s*[+-]?[0-9.]{1,20}\s*$")
_INT_TEXT = re.compile(r"^[+-]?[0-9]{1,20}(?:\.0*)?$")


def _skill_level(level_text: str, token: str) -> int:
    text = level_text.strip()
    if not _INT_TEXT.match(text) or not 1 <= int(float(text)) <= 5:
        raise ParseError(
            f"skill {_short(token)} has level {_short(text)}; "
            "levels are whole numbers 1-5",
            _LEVEL_FIX,
        )
    return int(float(text))


def parse_skills(
    value: object, default_level: int = 3, separators: Iterable[str] = (";", "\n")
) -> dict[str, int]:
    """Parse skills with optional levels.

    Parameters
    ----------
    value : object
        Text such as ``"python:4; tiktok:5; genai"`` (``name:level`` is canonical,
        ``name (level)`` is accepted too), a list of such items, a mapping
        ``{name: level}``, or a missing value.
    default_level : int, default 3
        Level of a skill written without one.
    separators : iterable of str, default ``(";", "\\n")``
        Item separators.

    Returns
    -------
    dict of str to int
        Normalised skill name -> level in 1..5, sorted by name. A skill listed
        twice keeps its highest level.

    Raises
    ------
    ParseError
        A level that is not a whole number 1-5, or a level without a name.

    Examples
    --------
    >>> parse_skills("python:4; TikTok:5; genai; Python (2)")
    {'genai': 3, 'python': 4, 'tiktok': 5}
    """
    if isinstance(default_level, bool) or default_level not in range(1, 6):
        raise ParseError(
            f"default skill level {_short(default_level)} is not a whole number 1-5",
            _LEVEL_FIX,
        )
    separators = tuple(separators)
    if is_missing(value):
        return {}
    pairs: list[tuple[str, int]] = []
    if isinstance(value, Mapping):
        for key, level in value.items():
            name = normalize_token(_to_text(key)) if not is_missing(key) else ""
            if not name:
                continue
            if is_missing(level):
                pairs.append((name, default_level))
            else:
                pairs.append((name, _skill_level(_to_text(level), name)))
    else:
        for item in _flatten(value):
            if is_missing(item):
                continue
            for part in _split(_to_text(item), separators):
                parsed = _parse_skill_item(part, default_level)
                if parsed is not None:
                    pairs.append(parsed)
    skills: dict[str, int] = {}
    for name, level in pairs:
        skills[name] = max(level, skills.get(name, 0))
    return dict(sorted(skills.items()))


def _parse_skill_item(part: str, default_level: int) -> tuple[str, int] | None:
    token = part.strip()
    if not token:
        return None
    if ":" in token:
        name_text, _, level_text = token.rpartition(":")
        level = _skill_level(level_text, token)
    else:
        opening = token.rfind("(")
        inside = token[opening + 1 : -1] if token.endswith(")") else ""
        if opening >= 0 and _LEVEL_NUMBER.match(inside):
            # "python (4)"; "machine learning (ML)" keeps its parenthesis
            name_text, level = token[:opening], _skill_level(inside, token)
        else:
            name_text, level = token, default_level
    name = normalize_token(name_text)
    if not name:
        raise ParseError(
            f"skill level {_short(token)} has no skill name",
            "write the skill before its level, e.g. 'python:4'",
        )
    return name, level


# ------------------------------------------------------------------------ numbers

_INT_RE = re.compile(r"^[+-]?[0-9]+(?:\.0*)?$")
_FLOAT_RE = re.compile(
    r"^[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?$"
)


def parse_int(
    value: object,
    *,
    name: str,
    minimum: int | None = None,
    default: int | None = None,
) -> int | None:
    """Parse a whole number such as a capacity or a seniority grade.

    Parameters
    ----------
    value : object
        ``2``, ``2.0``, ``" 3 "``, ``"3.0"``; missing values give ``default``.
    name : str
        Field name used in error messages.
    minimum : int, optional
        Smallest accepted value.
    default : int, optional
        Returned for a missing value (not checked against ``minimum``).

    Returns
    -------
    int or None

    Raises
    ------
    ParseError
        Not a whole number ("... must be a whole number"), or below ``minimum``.

    Examples
    --------
    >>> parse_int(" 3 ", name="capacity"), parse_int(2.0, name="capacity")
    (3, 2)
    """
    if is_missing(value):
        return default
    fix = f"write {name} as a whole number such as 2"
    number: int | None = None
    if _is_number(value):
        as_float = float(value)  # type: ignore[arg-type]
        if isinstance(value, int | np.integer):
            number = int(value)
        elif math.isfinite(as_float) and as_float.is_integer():
            number = int(as_float)
    else:
        text = _to_text(value)
        if len(text) <= _MAX_LEN and _INT_RE.match(text):
            number = int(text.split(".")[0])
    if number is None:
        raise ParseError(
            f"{name} {_short(_to_text(value))} must be a whole number", fix
        )
    if minimum is not None and number < minimum:
        raise ParseError(
            f"{name} {number} must be at least {minimum}",
            f"write {name} as a whole number of at least {minimum}",
        )
    return number


def parse_float(
    value: object, *, name: str, default: float | None = None
) -> float | None:
    """Parse a finite number; a decimal comma (``"3,5"``) is accepted.

    Parameters
    ----------
    value : object
        Number or numeric text; missing values give ``default``.
    name : str
        Field name used in error messages.
    default : float, optional
        Returned for a missing value.

    Returns
    -------
    float or None

    Raises
    ------
    ParseError
        Not a finite number.

    Examples
    --------
    >>> parse_float("3,5", name="years"), parse_float(2, name="years")
    (3.5, 2.0)
    """
    if is_missing(value):
        return default
    number: float | None = None
    if _is_number(value):
        number = float(value)  # type: ignore[arg-type]
    else:
        text = _to_text(value)
        if len(text) <= _MAX_LEN and _FLOAT_RE.match(text):
            if "," in text and "." not in text:
                text = text.replace(",", ".")
            if "," not in text:
                number = float(text)
    if number is None or not math.isfinite(number):
        raise ParseError(
            f"{name} {_short(_to_text(value))} must be a number",
            f"write {name} as a number such as 2.5",
        )
    return number


# ---------------------------------------------------------------------- role & yes/no

_ROLE_FIX = "write mentor, mentee or both"
_ROLE_EXACT = {
    "mentor": "mentor",
    "mentee": "mentee",
    "both": "both",
    "none": "none",
    "neither": "none",
    "either": "both",
    "any": "both",
    "either role": "both",
    "mentor and mentee": "both",
    "mentee and mentor": "both",
    "mentor or mentee": "both",
    "mentee or mentor": "both",
    "mentor/mentee": "both",
    "mentee/mentor": "both",
    "mentor & mentee": "both",
    "mentee & mentor": "both",
    "mentor, mentee": "both",
    "mentee, mentor": "both",
    "mentor + mentee": "both",
}
_ROLE_WORDS = {
    "mentor": "mentor",
    "mentors": "mentor",
    "mentee": "mentee",
    "mentees": "mentee",
    "mentored": "mentee",
    "protege": "mentee",
    "protégé": "mentee",
    "both": "both",
    "either": "both",
}
_GIVE_WORDS = frozenset({"provide", "give", "offer", "teach", "share", "coach"})
_TAKE_WORDS = frozenset({"receive", "get", "learn", "seek", "find", "need"})
_NEGATIONS = frozenset({"not", "no", "don't", "dont", "never", "neither", "nor"})
_WANTS_MENTOR = re.compile(
    r"\b(?:need|want|find|get|have|like|seek|seeking|looking for|receive)\s+"
    r"(?:a\s+|an\s+|some\s+)?mentors?\b"
)
_WANTS_MENTEE = re.compile(
    r"\b(?:take|want|have|support|accept|find|like|take on)\s+"
    r"(?:a\s+|an\s+|one\s+|two\s+|some\s+|several\s+)?mentees?\b"
)
_WORD_RE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def _role_from_words(words: list[str]) -> str | None:
    found = {_ROLE_WORDS[w] for w in words if w in _ROLE_WORDS}
    if "both" in found or {"mentor", "mentee"} <= found:
        if "both" not in found and _NEGATIONS.intersection(words):
            return "?"
        return "both"
    if found:
        return found.pop()
    give = bool(_GIVE_WORDS.intersection(words))
    take = bool(_TAKE_WORDS.intersection(words))
    if give != take:
        return "mentor" if give else "mentee"
    return "?" if give else None


def parse_role(value: object) -> str:
    """Parse a participant role.

    Parameters
    ----------
    value : object
        ``mentor``, ``mentee``, ``both`` or ``none`` in any case, or a long survey
        answer: ``"Mentor (I want to provide coaching and support)"`` -> mentor,
        ``"Mentee (I want to receive coaching)"`` -> mentee, ``"Mentor and
        mentee"`` / ``"either"`` -> both, ``"I want to be a mentor"`` -> mentor.

    Returns
    -------
    {"mentor", "mentee", "both", "none"}

    Raises
    ------
    ParseError
        Missing, unrecognised or contradictory answers.

    Notes
    -----
    The words before a parenthesis decide first, so the explanation inside
    ``"Mentee (... from a mentor)"`` does not change the role. Otherwise an answer
    naming both roles is ``both`` unless it also holds a negation (``"a mentee,
    not a mentor"``), which is an error rather than a guess. Without a role word,
    "provide/give/teach" means mentor and "receive/learn/get" means mentee.

    Examples
    --------
    >>> parse_role("Mentor (I want to provide coaching and support)")
    'mentor'
    >>> parse_role("Mentor and mentee")
    'both'
    """
    if is_missing(value):
        raise ParseError("the role is missing", _ROLE_FIX)
    text = normalize_token(_to_text(value))
    exact = _ROLE_EXACT.get(text.rstrip(".!"))
    if exact is not None:
        return exact
    text = _WANTS_MENTEE.sub(" mentor ", _WANTS_MENTOR.sub(" mentee ", text))
    head = text.split("(", 1)[0]
    role = _role_from_words(_WORD_RE.findall(head)) if head.strip() else None
    if role is None:
        role = _role_from_words(_WORD_RE.findall(text))
    if role is None or role == "?":
        reason = "is unclear" if role == "?" else "is not a role"
        raise ParseError(f"role {_short(value)} {reason}", _ROLE_FIX)
    return role


_YES = frozenset(
    {"yes", "y", "true", "t", "1", "x", "checked", "on", "yep", "yeah", "yup", "sure"}
)
_YES |= {"✓", "✔", "☑", "✅"}
_NO = frozenset(
    {"no", "n", "false", "f", "0", "unchecked", "off", "nope", "nah", "☐", "✗", "❌"}
)
_UNSURE = frozenset({"maybe", "unsure", "not sure", "don't know", "dont know", "?"})
_YES_NO_HEAD = re.compile(r"^(yes|no|y|n|true|false)\b(?!')")


def parse_yes_no(value: object) -> bool | None:
    """Parse a yes / no answer or a ticked check box.

    Parameters
    ----------
    value : object
        yes/no, y/n, true/false, 1/0, x, checked/unchecked, on/off, a bool, or a
        longer answer starting with yes or no (``"Yes, happy to"``).

    Returns
    -------
    bool or None
        ``None`` for a missing value and for "maybe" / "not sure".

    Raises
    ------
    ParseError
        Anything else.

    Examples
    --------
    >>> parse_yes_no("Yes"), parse_yes_no("x"), parse_yes_no(0.0), parse_yes_no("")
    (True, True, False, None)
    """
    if is_missing(value):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    text = normalize_token(_to_text(value)).rstrip(".!")
    if text in _YES:
        return True
    if text in _NO:
        return False
    if text in _UNSURE:
        return None
    match = _YES_NO_HEAD.match(text)
    if match is not None:
        return match[1] in ("yes", "y", "true")
    raise ParseError(
        f"{_short(value)} is not a yes/no answer", "write yes or no (or leave it empty)"
    )


# -------------------------------------------------------------------------- likert

_DEFAULT_LIKERT: dict[str, float] = {
    # agreement
    "strongly disagree": 1,
    "disagree": 2,
    "somewhat disagree": 2,
    "neutral": 3,
    "neither agree nor disagree": 3,
    "somewhat agree": 4,
    "agree": 4,
    "strongly agree": 5,
    # extent
    "not at all": 1,
    "slightly": 2,
    "a little": 2,
    "somewhat": 3,
    "moderately": 3,
    "very": 4,
    "quite a bit": 4,
    "very much": 5,
    "extremely": 5,
    # frequency
    "never": 1,
    "rarely": 2,
    "sometimes": 3,
    "often": 4,
    "usually": 4,
    "always": 5,
    # proficiency
    "beginner": 1,
    "novice": 2,
    "intermediate": 3,
    "advanced": 4,
    "expert": 5,
    # amount / quality
    "very low": 1,
    "low": 2,
    "medium": 3,
    "high": 4,
    "very high": 5,
    "poor": 1,
    "fair": 2,
    "good": 3,
    "very good": 4,
    "excellent": 5,
}
_DEFAULT_LIKERT_LOOKUP: dict[str, float] = {}  # filled below


def _likert_lookup(scale: Mapping[str, float]) -> dict[str, float]:
    if not isinstance(scale, Mapping):
        raise ParseError(
            "a rating scale must map labels to numbers", "pass {'agree': 4}"
        )
    return {
        normalize_token(_to_text(k)): v for k, v in scale.items() if not is_missing(k)
    }


_DEFAULT_LIKERT_LOOKUP.update(_likert_lookup(_DEFAULT_LIKERT))
_LEADING_NUMBER = re.compile(
    r"^([+-]?[0-9]{1,9}(?:[.,][0-9]{1,9})?)(?:\s*[-–:=)(.]|\s|$)"
)
_TRAILING_NUMBER = re.compile(r"\(\s*([+-]?[0-9]{1,9}(?:[.,][0-9]{1,9})?)\s*\)$")


def parse_likert(
    value: object, scale: Mapping[str, float] | None = None
) -> float | None:
    """Parse an answer on a rating scale.

    Parameters
    ----------
    value : object
        A number (passed through), numeric text, a label of ``scale``, or text that
        starts with a number (``"4 - Agree"``) or ends with one in parentheses
        (``"Agree (4)"``).
    scale : mapping of str to float, optional
        Label -> value; labels are compared after :func:`normalize_token`. The
        default maps common 5-point labels to 1..5: strongly disagree .. strongly
        agree, not at all .. extremely, never .. always, beginner / novice /
        intermediate / advanced / expert, very low .. very high, poor .. excellent.

    Returns
    -------
    float or None
        ``None`` for a missing value.

    Raises
    ------
    ParseError
        Unknown label.

    Examples
    --------
    >>> parse_likert("Strongly agree"), parse_likert(" 2 "), parse_likert("Expert")
    (5.0, 2.0, 5.0)
    """
    if is_missing(value):
        return None
    if _is_number(value):
        number = float(value)  # type: ignore[arg-type]
        if math.isfinite(number):
            return number
    text = normalize_token(_to_text(value))
    lookup = _DEFAULT_LIKERT_LOOKUP if scale is None else _likert_lookup(scale)
    candidates = [text, text.rstrip(".!"), text.split("(", 1)[0].strip()]
    for candidate in candidates:
        if candidate in lookup:
            try:
                return float(lookup[candidate])
            except (TypeError, ValueError):
                break
    if len(text) <= _MAX_LEN:
        for pattern in (_LEADING_NUMBER, _TRAILING_NUMBER):
            match = pattern.search(text)
            if match is not None:
                number = float(match[1].replace(",", "."))
                if math.isfinite(number):
                    return number
    known = ", ".join(sorted(lookup)[:12]) + (", ..." if len(lookup) > 12 else "")
    raise ParseError(
        f"{_short(value)} is not on the rating scale",
        f"write a number or one of: {known}" if known else "write a number",
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
    raise ParseError(f"unknown time zone {_short(text)}", _TZ_FIX)


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
        A :class:`zoneinfo.ZoneInfo` or a fixed :class:`datetime.timezone`.

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
    if _is_number(value):
        hours = float(value)  # type: ignore[arg-type]
        if not (math.isfinite(hours) and abs(hours) <= 14):
            raise ParseError(
                f"time zone offset {_short(value)} is out of range", _TZ_FIX
            )
        return _fixed(hours)
    text = _to_text(value)
    if len(text) > _MAX_LEN:
        raise ParseError(f"unknown time zone {_short(text)}", _TZ_FIX)
    return _parse_tz_text(unicodedata.normalize("NFKC", text))


# ---------------------------------------------------------------------- availability

_AVAIL_FIX = (
    "write each item as a day and a time range, e.g. 'Mon 09:00-11:00', "
    "'Mon-Fri 9am-5pm' or '6:00-7:00pm F', and separate items with ';'"
)
_DAY_WORDS: dict[str, tuple[int, ...]] = {}
for _index, _names in enumerate(
    (
        ("m", "mo", "mon", "monday"),
        ("t", "tu", "tue", "tues", "tuesday"),
        ("w", "we", "wed", "weds", "wednesday"),
        ("th", "thu", "thur", "thurs", "thursday"),
        ("f", "fr", "fri", "friday"),
        ("sa", "sat", "saturday"),
        ("su", "sun", "sunday"),
    )
):
    for _name in _names:
        _DAY_WORDS[_name] = (_index,)
        if _name.endswith("day"):
            _DAY_WORDS[_name + "s"] = (_index,)
for _name in ("weekday", "weekdays", "workday", "workdays", "businessdays"):
    _DAY_WORDS[_name] = (0, 1, 2, 3, 4)
for _name in ("weekend", "weekends"):
    _DAY_WORDS[_name] = (5, 6)
for _name in ("daily", "everyday", "anyday", "alldays"):
    _DAY_WORDS[_name] = (0, 1, 2, 3, 4, 5, 6)

_PERIOD_WORDS: dict[str, tuple[int, int]] = {
    "earlymorning": (6 * 60, 8 * 60),
    "morning": (8 * 60, 12 * 60),
    "lunch": (12 * 60, 13 * 60),
    "lunchtime": (12 * 60, 13 * 60),
    "afternoon": (12 * 60, 17 * 60),
    "evening": (17 * 60, 21 * 60),
    "night": (21 * 60, 24 * 60),
    "allday": (0, 24 * 60),
    "anytime": (0, 24 * 60),
}
for _name in list(_PERIOD_WORDS):
    _PERIOD_WORDS[_name + "s"] = _PERIOD_WORDS[_name]
_DASH_WORDS = frozenset({"to", "until", "till", "til", "through", "thru"})
_JOIN_WORDS = frozenset({"and", "or"})
_FILLER_WORDS = frozenset(
    {"from", "at", "on", "between", "every", "each", "the", "in", "hrs", "hr", "h"}
)
_PHRASES = (
    (re.compile(r"\bearly\s+mornings?\b"), " earlymorning "),
    (re.compile(r"\b(?:all|whole)\s+day\b"), " allday "),
    (re.compile(r"\bany\s*time\b"), " anytime "),
    (re.compile(r"\bevery\s*day\b"), " everyday "),
    (re.compile(r"\bany\s+day\b"), " anyday "),
    (re.compile(r"\ball\s+days\b"), " alldays "),
    (re.compile(r"\bbusiness\s+days\b"), " businessdays "),
)
_AV_TOKEN = re.compile(
    r"(?P<time>(?<![0-9])(?P<h>[0-9]{1,2})(?:[:.h](?P<m>[0-9]{2})|h(?![^\W\d_]))?"
    r"(?![0-9])(?:\s*(?P<mer>[ap])\.?(?:m\b\.?|(?![^\W\d_])))?)"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<dash>[-‐‑‒–—―−~])"
    r"|(?P<join>[,&/+])"
    r"|(?P<skip>[\s().:!])"
)
_NOON, _MIDNIGHT = "noon", "midnight"


def _avail_error(item: str, reason: str) -> ParseError:
    return ParseError(f"cannot read availability {_short(item)}: {reason}", _AVAIL_FIX)


def _tokenize_availability(item: str) -> list[tuple[str, Any]]:
    text = item.casefold()
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
    tokens: list[tuple[str, Any]] = []
    pos = 0
    while pos < len(text):
        match = _AV_TOKEN.match(text, pos)
        if match is None:
            raise _avail_error(item, f"unexpected {text[pos]!r}")
        pos = match.end()
        kind = match.lastgroup
        if kind == "time":
            minute = int(match["m"]) if match["m"] else 0
            tokens.append(("time", (int(match["h"]), minute, match["mer"])))
        elif kind == "word":
            word = match[0]
            if word in _DAY_WORDS:
                tokens.append(("day", _DAY_WORDS[word]))
            elif word in _PERIOD_WORDS:
                tokens.append(("range", _PERIOD_WORDS[word]))
            elif word in ("noon", "midday"):
                tokens.append(("time", (12, 0, _NOON)))
            elif word == "midnight":
                tokens.append(("time", (0, 0, _MIDNIGHT)))
            elif word in _DASH_WORDS:
                tokens.append(("dash", None))
            elif word in _JOIN_WORDS:
                tokens.append(("join", None))
            elif word not in _FILLER_WORDS:
                raise _avail_error(item, f"unknown word {word!r}")
        elif kind in ("dash", "join"):
            tokens.append((kind, None))
    return tokens


def _clock(item: str, hour: int, minute: int, meridiem: str | None) -> int:
    """Minutes after midnight of a 24-hour or am/pm time (24:00 -> 1440)."""
    if minute > 59:
        raise _avail_error(item, f"minute {minute} is not 0-59")
    if meridiem in ("a", "p"):
        if not 0 <= hour <= 12:
            raise _avail_error(item, f"hour {hour} is not 1-12 with am/pm")
        return ((hour % 12) + (12 if meridiem == "p" else 0)) * 60 + minute
    if hour > 24 or (hour == 24 and minute):
        raise _avail_error(item, f"time {hour}:{minute:02d} is after 24:00")
    return hour * 60 + minute


def _span(start: int, end: int) -> tuple[bool, int]:
    """Sort key preferring the shortest non-empty range from ``start`` to ``end``."""
    length = (end - start) % _DAY_MINUTES
    return length == 0, length


def _time_range(
    item: str, start: tuple[int, int, Any], end: tuple[int, int, Any]
) -> tuple[int, int]:
    """Resolve a start and end time to minutes ``[s, e)``; ``e`` may pass 24:00."""
    (sh, sm, smer), (eh, em, emer) = start, end
    s_ampm = smer in ("a", "p")
    e_ampm = emer in ("a", "p")
    if e_ampm and smer is None and 1 <= sh <= 12:
        # "6:00-7:00pm": the end's am/pm applies to the start too, unless the other
        # half of the day gives a shorter range ("11-1pm" is 11:00-13:00).
        e = _clock(item, eh, em, emer)
        other = "a" if emer == "p" else "p"
        s = min(
            (_clock(item, sh, sm, emer), _clock(item, sh, sm, other)),
            key=lambda x: _span(x, e),
        )
    elif s_ampm and emer is None and 1 <= eh <= 12:
        # "9am-5" is 09:00-17:00, "10pm-2" is 22:00-02:00
        s = _clock(item, sh, sm, smer)
        other = "a" if smer == "p" else "p"
        e = min(
            (_clock(item, eh, em, smer), _clock(item, eh, em, other)),
            key=lambda x: _span(s, x),
        )
    else:
        s = _clock(item, sh, sm, smer if s_ampm else None)
        e = _clock(item, eh, em, emer if e_ampm else None)
        if not (s_ampm or e_ampm) and 0 < e < s and 1 <= sh <= 12 and 1 <= eh <= 12:
            raise _avail_error(
                item,
                "ambiguous times; write am/pm (9am-5pm) or 24-hour times (09:00-17:00)",
            )
    if s == _DAY_MINUTES:
        raise _avail_error(item, "a range cannot start at 24:00")
    if e == 0:
        e = _DAY_MINUTES  # "22:00-00:00", "9pm-12am", "... midnight"
    if e == s:
        raise _avail_error(item, "the range is empty")
    if e < s:  # wraps past midnight into the next day
        e += _DAY_MINUTES
    return s, e


def _day_span(
    item: str, first: tuple[int, ...], last: tuple[int, ...]
) -> tuple[int, ...]:
    if len(first) != 1 or len(last) != 1:
        raise _avail_error(item, "a day range needs single days, e.g. Mon-Fri")
    a, b = first[0], last[0]
    return tuple((a + k) % 7 for k in range((b - a) % 7 + 1))


def _parse_availability_item(item: str) -> list[tuple[int, int]]:
    tokens = _tokenize_availability(item)
    elements: list[tuple[str, Any]] = []
    i = 0
    while i < len(tokens):
        kind, val = tokens[i]
        nxt = (
            tokens[i + 2]
            if i + 2 < len(tokens) and tokens[i + 1][0] == "dash"
            else None
        )
        if kind == "time":
            if nxt is None or nxt[0] != "time":
                raise _avail_error(
                    item, "a time needs a start and an end, e.g. 9:00-11:00"
                )
            elements.append(("R", [_time_range(item, val, nxt[1])]))
            i += 3
            continue
        if kind == "day":
            if nxt is not None and nxt[0] == "day":
                elements.append(("D", set(_day_span(item, val, nxt[1]))))
                i += 3
                continue
            elements.append(("D", set(val)))
        elif kind == "range":
            elements.append(("R", [val]))
        i += 1
    runs: list[tuple[str, Any]] = []
    for kind, val in elements:
        if runs and runs[-1][0] == kind and kind == "R":
            runs[-1][1].extend(val)
        elif runs and runs[-1][0] == kind:
            runs[-1][1].update(val)
        else:
            runs.append((kind, val))
    if not runs:
        return []
    if len(runs) % 2:
        missing = "a time range" if runs[-1][0] == "D" else "a day"
        raise _avail_error(item, f"missing {missing}")
    out: list[tuple[int, int]] = []
    for j in range(0, len(runs), 2):
        pair = dict([runs[j], runs[j + 1]])
        for day in sorted(pair["D"]):
            for s, e in pair["R"]:
                out.append((day * _DAY_MINUTES + s, day * _DAY_MINUTES + e))
    return out


def _normalize_intervals(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Snap to slots, split at the end of the week, sort and merge."""
    pieces: list[tuple[int, int]] = []
    for start, end in intervals:
        s = (start // SLOT_MINUTES) * SLOT_MINUTES
        e = -(-end // SLOT_MINUTES) * SLOT_MINUTES
        if e - s >= _WEEK_MINUTES:
            pieces.append((0, _WEEK_MINUTES))
            continue
        s, e = s % _WEEK_MINUTES, e - (s - s % _WEEK_MINUTES)
        if e > _WEEK_MINUTES:
            pieces.extend([(s, _WEEK_MINUTES), (0, e - _WEEK_MINUTES)])
        else:
            pieces.append((s, e))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(pieces):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def parse_availability(value: object) -> list[tuple[int, int]]:
    """Parse weekly availability in the person's local time.

    Parameters
    ----------
    value : object
        Items separated by ``;``, ``|`` or new lines (or a list of items). An item
        is days and time ranges, in either order, joined by commas or "and":

        * ``"Mon 09:00-11:00"``, ``"Monday 9:00 - 11:00"``, ``"Tuesdays 14:00–15:30"``
          (en/em dash, "to", "until");
        * ``"Mon 9-11am"``, ``"Mon 9am-11am"``; a trailing am/pm applies to both
          ends unless the start has its own (``"6:00-7:00pm"`` is 18:00-19:00,
          ``"11-1pm"`` is 11:00-13:00);
        * ``"6:00-7:00pm F"``, ``"3:00-4:00pm Sun"`` (M T W Th F Sa Su/Sun);
        * ``"Mon-Fri 9-17"``, ``"weekdays 18:00-19:00"``, ``"weekends 10-12"``,
          ``"Mon,Wed 9-10"``, ``"Mon 9-11, 14-16; Wed 10-12"``;
        * ``"Sat morning"``, ``"Sun evenings"``, ``"Fri all day"`` (morning
          08-12, afternoon 12-17, evening 17-21, night 21-24, lunch 12-13,
          early morning 06-08);
        * ``"Mon 22:00-01:00"`` wraps past midnight into Tuesday; ``24:00`` is a
          valid end.

    Returns
    -------
    list of (int, int)
        Local minute-of-week intervals ``[start, end)``, Monday 00:00 = 0, sorted,
        merged, within ``[0, 10080]``; an interval passing Sunday 24:00 is split in
        two. Starts are floored and ends ceiled to 15-minute slots. A missing value
        gives ``[]``.

    Raises
    ------
    ParseError
        Naming the item that cannot be read and showing a good one. Times with no
        am/pm whose end is before the start and which are both 12 or less
        (``"Mon 9-5"``) are ambiguous and rejected.

    Examples
    --------
    >>> parse_availability("Mon 09:00-11:00; Wed 14:00-15:30")
    [(540, 660), (3720, 3810)]
    >>> parse_availability(["6:00-7:00pm F"])
    [(6840, 6900)]
    """
    if is_missing(value):
        return []
    intervals: list[tuple[int, int]] = []
    for cell in _flatten(value):
        if is_missing(cell):
            continue
        for item in _split(_to_text(cell), (";", "\n", "|")):
            if item.strip():
                intervals.extend(_parse_availability_item(item.strip()))
    return _normalize_intervals(intervals)


_DEFAULT_PERIODS: dict[str, tuple[str, str]] = {
    "early morning": ("06:00", "08:00"),
    "morning": ("08:00", "12:00"),
    "lunch": ("12:00", "13:00"),
    "afternoon": ("12:00", "17:00"),
    "evening": ("17:00", "21:00"),
    "night": ("21:00", "24:00"),
}
_HHMM = re.compile(r"^([0-9]{1,2})(?::([0-9]{2}))?$")


def _period_time(text: object, label: str) -> int:
    match = _HHMM.match(_to_text(text)) if isinstance(text, str) else None
    if (
        match is None
        or int(match[2] or 0) > 59
        or int(match[1]) * 60 + int(match[2] or 0) > 1440
    ):
        raise ParseError(
            f"period {_short(label)} has time {_short(text)}; expected HH:MM",
            "define periods as {'Morning': ('08:00', '12:00')}",
        )
    return int(match[1]) * 60 + int(match[2] or 0)


def parse_period_grid(
    answers: Mapping[str, object],
    periods: Mapping[str, tuple[str, str]] | None = None,
) -> list[tuple[int, int]]:
    """Parse a checkbox grid of days × day periods (Google / Microsoft Forms).

    Parameters
    ----------
    answers : mapping of str to object
        Day label -> ticked period labels, e.g. ``{"Monday": "Morning, Evening",
        "Tuesday": ""}``. Day labels may be full grid column headers such as
        ``"Availability [Monday]"``; ``"Weekdays"`` / ``"Weekends"`` work too.
        Period labels are separated by ``,`` or ``;`` (or given as a list).
    periods : mapping of str to (str, str), optional
        Period label -> (start, end) as ``"HH:MM"`` local time. Default: Early
        morning 06:00-08:00, Morning 08:00-12:00, Lunch 12:00-13:00, Afternoon
        12:00-17:00, Evening 17:00-21:00, Night 21:00-24:00. A label that is not
        defined but holds a time range (``"9-12"``, ``"Morning (9am-12pm)"``) is
        read as that range.

    Returns
    -------
    list of (int, int)
        Local minute-of-week intervals as :func:`parse_availability` returns.

    Raises
    ------
    ParseError
        Unknown day or period labels (listing the known ones).

    Examples
    --------
    >>> parse_period_grid({"Monday": "Morning, Evening", "Tuesday": ""})
    [(480, 720), (1020, 1260)]
    """
    table = _DEFAULT_PERIODS if periods is None else periods
    if not isinstance(answers, Mapping) or not isinstance(table, Mapping):
        raise ParseError(
            "a period grid must be a mapping of day -> ticked periods",
            "pass e.g. {'Monday': 'Morning, Evening'}",
        )
    lookup: dict[str, tuple[int, int]] = {}
    for label, bounds in table.items():
        if not isinstance(bounds, tuple | list) or len(bounds) != 2:
            raise ParseError(
                f"period {_short(label)} must be a (start, end) pair",
                "define periods as {'Morning': ('08:00', '12:00')}",
            )
        start, end = (_period_time(b, _to_text(label)) for b in bounds)
        if end <= start:
            raise ParseError(
                f"period {_short(label)} ends before it starts",
                "define periods as {'Morning': ('08:00', '12:00')}",
            )
        lookup[normalize_token(_to_text(label))] = (start, end)
    known = ", ".join(sorted(lookup))
    intervals: list[tuple[int, int]] = []
    for day_label, ticked in answers.items():
        labels = sorted(parse_set(ticked, separators=(",", ";", "\n")))
        if not labels:
            continue
        days = _grid_days(day_label)
        for label in labels:
            start, end = _grid_period(label, lookup, known)
            for day in days:
                intervals.append((day * _DAY_MINUTES + start, day * _DAY_MINUTES + end))
    return _normalize_intervals(intervals)


def _grid_days(day_label: object) -> tuple[int, ...]:
    text = normalize_token(_to_text(day_label)) if not is_missing(day_label) else ""
    bracket = re.search(r"\[([^\[\]]*)\]\s*$", text)
    key = (bracket[1] if bracket else text).strip(" .:").replace(" ", "")
    if key in _DAY_WORDS and len(key) > 1:
        return _DAY_WORDS[key]
    raise ParseError(
        f"grid row {_short(day_label)} is not a day",
        "name grid rows Monday .. Sunday (or Weekdays / Weekends)",
    )


def _grid_period(
    label: str, lookup: Mapping[str, tuple[int, int]], known: str
) -> tuple[int, int]:
    if label in lookup:
        return lookup[label]
    # a time written in the label wins over the label's name: "Morning (9am-12pm)"
    for candidate in (*re.findall(r"\(([^()]*)\)", label), label):
        if re.search(r"[0-9]", candidate) and len(candidate) <= _MAX_LEN:
            try:
                tokens = _tokenize_availability(candidate)
                if [k for k, _ in tokens] == ["time", "dash", "time"]:
                    return _time_range(candidate, tokens[0][1], tokens[2][1])
            except ParseError:
                continue
    name = label.split("(", 1)[0].strip()
    if name in lookup:
        return lookup[name]
    raise ParseError(f"unknown period {_short(label)}", f"use one of: {known}")


# ------------------------------------------------------------------------ UTC slots


def _offset_slots(tz: _dt.tzinfo, day: _dt.date) -> int:
    try:
        delta = _dt.datetime.combine(day, _dt.time(12), tzinfo=tz).utcoffset()
    except (ValueError, OverflowError, TypeError) as exc:
        raise ParseError(f"time zone {tz!r} has no offset on {day}", _TZ_FIX) from exc
    seconds = delta.total_seconds() if delta is not None else 0.0
    return round(seconds / (SLOT_MINUTES * 60))


def to_utc_slots(
    intervals: Iterable[tuple[int, int]],
    tz: _dt.tzinfo | str,
    reference_monday: _dt.date = DEFAULT_REFERENCE_MONDAY,
) -> npt.NDArray[np.bool_]:
    """Convert local minute-of-week intervals to a UTC slot mask.

    Parameters
    ----------
    intervals : iterable of (int, int)
        Local ``[start, end)`` minute-of-week intervals as returned by
        :func:`parse_availability` (ends past 10080 wrap to the week start).
    tz : datetime.tzinfo or str
        The person's time zone (text is read with :func:`parse_timezone`).
    reference_monday : datetime.date, default 2026-01-05
        Monday of the reference week. Each local day is shifted by the UTC offset
        ``tz`` has at noon on that day of this week, so daylight saving time is
        deterministic. Offsets are rounded to whole slots.

    Returns
    -------
    numpy.ndarray of bool, shape (672,)
        ``True`` where the person is free; slot 0 is Monday 00:00-00:15 UTC. Slots
        shifted past either end of the week wrap around.

    Raises
    ------
    ParseError
        Malformed intervals or time zone.

    Examples
    --------
    >>> slots = to_utc_slots([(540, 660)], "UTC+7")  # Mon 09:00-11:00 local
    >>> slots_to_text(slots)
    'Mon 02:00-04:00'
    """
    zone = parse_timezone(tz)
    local = np.zeros(SLOTS_PER_WEEK, dtype=bool)
    try:
        pairs = [(int(s), int(e)) for s, e in intervals]
    except (TypeError, ValueError, OverflowError) as exc:
        raise ParseError(
            "availability intervals must be (start, end) minute pairs",
            "pass the output of parse_availability",
        ) from exc
    for s, e in pairs:
        if s < 0 or e <= s:
            raise ParseError(
                f"availability interval ({s}, {e}) is not a valid [start, end)",
                "pass the output of parse_availability",
            )
    for s, e in _normalize_intervals(pairs):
        local[s // SLOT_MINUTES : e // SLOT_MINUTES] = True
    if not isinstance(reference_monday, _dt.date):
        raise ParseError(
            "the reference Monday must be a date", "pass e.g. datetime.date(2026, 1, 5)"
        )
    utc = np.zeros(SLOTS_PER_WEEK, dtype=bool)
    day_slots = np.arange(_SLOTS_PER_DAY)
    for day in range(7):
        try:
            date = reference_monday + _dt.timedelta(days=day)
        except OverflowError as exc:
            raise ParseError(
                "the reference week is out of range", "use a recent date"
            ) from exc
        block = local[day * _SLOTS_PER_DAY : (day + 1) * _SLOTS_PER_DAY]
        if not block.any():
            continue
        target = (
            day * _SLOTS_PER_DAY + day_slots - _offset_slots(zone, date)
        ) % SLOTS_PER_WEEK
        utc[target[block]] = True
    return utc


def _slot_runs(slots: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Return ``[start, end)`` slot runs of a boolean mask."""
    padded = np.concatenate(([False], slots, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[0::2].tolist(), edges[1::2].tolist(), strict=True))


def slots_to_text(slots: npt.ArrayLike) -> str:
    """Write a slot mask as availability text.

    Parameters
    ----------
    slots : array-like of bool, shape (672,)
        UTC slot mask as returned by :func:`to_utc_slots`.

    Returns
    -------
    str
        Items such as ``"Mon 09:00-11:00; Wed 14:00-15:30"`` in slot time (UTC),
        split at midnight (``"Mon 23:00-24:00; Tue 00:00-01:00"``); ``""`` for an
        empty mask. ``parse_availability`` read with UTC gives the mask back.

    Raises
    ------
    ParseError
        Wrong shape.

    Examples
    --------
    >>> slots = to_utc_slots(parse_availability("Wed 14:00-15:30; Mon 9-11"), "UTC")
    >>> slots_to_text(slots)
    'Mon 09:00-11:00; Wed 14:00-15:30'
    """
    try:
        mask = np.asarray(slots, dtype=bool)
    except (TypeError, ValueError) as exc:
        raise ParseError(
            "slots must be a boolean array", "pass a mask of 672 slots"
        ) from exc
    if mask.shape != (SLOTS_PER_WEEK,):
        raise ParseError(
            f"slots have shape {mask.shape}, expected ({SLOTS_PER_WEEK},)",
            "pass a mask of 672 slots",
        )
    items = []
    for start, end in _slot_runs(mask):
        s = start
        while s < end:
            day = s // _SLOTS_PER_DAY
            e = min(end, (day + 1) * _SLOTS_PER_DAY)
            items.append(
                f"{_DAY_TITLES[day]} {_hhmm(s - day * _SLOTS_PER_DAY)}"
                f"-{_hhmm(e - day * _SLOTS_PER_DAY)}"
            )
            s = e
    return "; ".join(items)


def _hhmm(slot_of_day: int) -> str:
    minutes = slot_of_day * SLOT_MINUTES
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# ------------------------------------------------------------------------ timestamps

_MONTH_ABBR = "janfebmaraprmayjunjulaugsepoctnovdec"
_MONTHS = {_MONTH_ABBR[3 * i : 3 * i + 3]: i + 1 for i in range(12)}
_TIME_PART = (
    r"(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:[.,](?P<F>[0-9]{1,6})[0-9]*)?)?"
    r"\s*(?P<mer>[ap])?\.?(?(mer)m\.?)"
)
_DATE_PARTS = (
    r"(?P<Y>[0-9]{4})(?P<s1>[-/.])(?P<Ym>[0-9]{1,2})(?P=s1)(?P<Yd>[0-9]{1,2})",
    r"(?P<a>[0-9]{1,2})(?P<s2>[-/.])(?P<b>[0-9]{1,2})(?P=s2)(?P<y>[0-9]{4}|[0-9]{2})",
    r"(?P<mon1>[^\W\d_]{3,9})\.?\s+(?P<d1>[0-9]{1,2})(?:st|nd|rd|th)?,?\s+(?P<y1>[0-9]{4})",
    r"(?P<d2>[0-9]{1,2})(?:st|nd|rd|th)?\s+(?P<mon2>[^\W\d_]{3,9})\.?,?\s+(?P<y2>[0-9]{4})",
)
_TIMESTAMP = re.compile(
    rf"^(?:{'|'.join(_DATE_PARTS)})(?:(?:\s*[t,]\s*|\s+)(?:at\s+)?{_TIME_PART})?\s*(?P<tz>.*)$"
)


def _date_of(match: re.Match[str]) -> tuple[int, int, int]:
    if match["Y"]:
        return int(match["Y"]), int(match["Ym"]), int(match["Yd"])
    if match["a"]:
        a, b, year = int(match["a"]), int(match["b"]), int(match["y"])
        year += 2000 if len(match["y"]) == 2 else 0
        if match["s2"] == "/" and a <= 12:
            return year, a, b  # US month/day/year, as Google Forms writes it
        return year, b, a  # day.month.year, or day/month/year when a > 12
    month_name = match["mon1"] or match["mon2"]
    month = _MONTHS.get(month_name[:3])
    if month is None:
        raise ValueError(month_name)
    return int(match["y1"] or match["y2"]), month, int(match["d1"] or match["d2"])


def _naive_utc(value: _dt.datetime) -> _dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=None)
    return value.astimezone(_dt.UTC).replace(tzinfo=None)


def parse_datetime(value: object) -> _dt.datetime | None:
    """Parse a form time stamp (used for "latest answer wins").

    Parameters
    ----------
    value : object
        A ``datetime`` / ``date`` / ``numpy.datetime64`` or text: ISO 8601
        (``"2024-05-01T10:00:00+02:00"``), ``"3/17/2020 8:14:08"``,
        ``"2024/05/01 10:00:00 AM GMT+2"``, ``"17.03.2020 08:14"``,
        ``"May 1, 2024 10:00 AM"``; seconds, am/pm and a trailing time zone
        (anything :func:`parse_timezone` reads) are optional.

    Returns
    -------
    datetime.datetime or None
        A *naive* datetime so that values can always be compared: a value with a
        time zone is converted to UTC, one without is kept as written. ``None``
        for a missing value.

    Raises
    ------
    ParseError
        Unreadable or impossible dates.

    Notes
    -----
    ``a/b/yyyy`` is month/day/year unless ``a`` is over 12; ``a.b.yyyy`` and
    ``a-b-yyyy`` are day.month.year. Two-digit years are 20yy.

    Examples
    --------
    >>> parse_datetime("3/17/2020 8:14:08")
    datetime.datetime(2020, 3, 17, 8, 14, 8)
    >>> parse_datetime("2024/05/01 10:00:00 AM GMT+2")
    datetime.datetime(2024, 5, 1, 8, 0)
    """
    if is_missing(value):
        return None
    fix = "write dates as YYYY-MM-DD HH:MM:SS (ISO 8601)"
    try:
        if isinstance(value, _dt.datetime):
            return _naive_utc(value)
        if isinstance(value, _dt.date):
            return _dt.datetime(value.year, value.month, value.day)
        if isinstance(value, np.datetime64):
            seconds = value.astype("datetime64[us]").astype(np.int64)
            return _dt.datetime(1970, 1, 1) + _dt.timedelta(microseconds=int(seconds))
    except (ValueError, OverflowError, TypeError) as exc:
        raise ParseError(f"date {_short(value)} is out of range", fix) from exc
    if _is_number(value) or isinstance(value, bool | np.bool_):
        raise ParseError(f"{_short(value)} is a number, not a date", fix)
    text = _to_text(value)
    if len(text) > _MAX_LEN:
        raise ParseError(f"cannot read date {_short(text)}", fix)
    try:
        return _naive_utc(_dt.datetime.fromisoformat(text))
    except (ValueError, OverflowError):
        pass
    match = _TIMESTAMP.match(" ".join(text.casefold().split()))
    if match is None:
        raise ParseError(f"cannot read date {_short(text)}", fix)
    try:
        year, month, day = _date_of(match)
        hour = int(match["H"] or 0)
        if match["mer"]:
            if not 1 <= hour <= 12:
                raise ValueError(hour)
            hour = hour % 12 + (12 if match["mer"] == "p" else 0)
        micro = int((match["F"] or "0").ljust(6, "0"))
        stamp = _dt.datetime(
            year, month, day, hour, int(match["M"] or 0), int(match["S"] or 0), micro
        )
        if match["tz"]:
            stamp = stamp.replace(tzinfo=parse_timezone(match["tz"]))
        return _naive_utc(stamp)
    except (ValueError, OverflowError) as exc:
        raise ParseError(
            f"date {_short(text)} is not a valid date and time", fix
        ) from exc
