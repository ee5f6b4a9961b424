"""Day names of availability grids in the languages surveys are written in."""

from __future__ import annotations

import unicodedata

# Monday first; each entry: the names and abbreviations of one day. A grid row is
# compared without case, spaces, hyphens, dots and (as a second try) diacritics.
_WEEKS: dict[str, tuple[tuple[str, ...], ...]] = {
    "vietnamese": (
        ("thứ hai", "thứ 2", "t2"),
        ("thứ ba", "thứ 3", "t3"),
        ("thứ tư", "thứ 4", "t4"),
        ("thứ năm", "thứ 5", "t5"),
        ("thứ sáu", "thứ 6", "t6"),
        ("thứ bảy", "thứ 7", "t7"),
        ("chủ nhật", "cn"),
    ),
    "french": (
        ("lundi", "lun"),
        ("mardi", "mar"),
        ("mercredi", "mer"),
        ("jeudi", "jeu"),
        ("vendredi", "ven"),
        ("samedi", "sam"),
        ("dimanche", "dim"),
    ),
    "german": (
        ("montag", "mo"),
        ("dienstag", "di"),
        ("mittwoch", "mi"),
        ("donnerstag", "do"),
        ("freitag", "fr"),
        ("samstag", "sonnabend", "sa"),
        ("sonntag", "so"),
    ),
    "spanish": (
        ("lunes", "lun"),
        ("martes", "mar"),
        ("miércoles", "mié"),
        ("jueves", "jue"),
        ("viernes", "vie"),
        ("sábado", "sáb"),
        ("domingo", "dom"),
    ),
    "portuguese": (
        ("segunda-feira", "segunda", "seg", "2ª feira"),
        ("terça-feira", "terça", "ter", "3ª feira"),
        ("quarta-feira", "quarta", "qua", "4ª feira"),
        ("quinta-feira", "quinta", "qui", "5ª feira"),
        ("sexta-feira", "sexta", "sex", "6ª feira"),
        ("sábado", "sáb"),
        ("domingo", "dom"),
    ),
    "italian": (
        ("lunedì", "lun"),
        ("martedì", "mar"),
        ("mercoledì", "mer"),
        ("giovedì", "gio"),
        ("venerdì", "ven"),
        ("sabato", "sab"),
        ("domenica", "dom"),
    ),
    "dutch": (
        ("maandag", "ma"),
        ("dinsdag", "di"),
        ("woensdag", "wo"),
        ("donderdag", "do"),
        ("vrijdag", "vr"),
        ("zaterdag", "za"),
        ("zondag", "zo"),
    ),
    "polish": (
        ("poniedziałek", "pon"),
        ("wtorek", "wt"),
        ("środa", "śr"),
        ("czwartek", "czw"),
        ("piątek", "pt"),
        ("sobota", "sob"),
        ("niedziela", "niedz", "nd"),
    ),
    "turkish": (
        ("pazartesi",),
        ("salı",),
        ("çarşamba",),
        ("perşembe",),
        ("cuma",),
        ("cumartesi",),
        ("pazar",),
    ),
    "indonesian": (
        ("senin",),
        ("selasa",),
        ("rabu",),
        ("kamis",),
        ("jumat", "jum'at"),
        ("sabtu",),
        ("minggu",),
    ),
    "russian": (
        ("понедельник", "пн"),
        ("вторник", "вт"),
        ("среда", "ср"),
        ("четверг", "чт"),
        ("пятница", "пт"),
        ("суббота", "сб"),
        ("воскресенье", "вс"),
    ),
    "japanese": (
        ("月曜日", "月曜", "月"),
        ("火曜日", "火曜", "火"),
        ("水曜日", "水曜", "水"),
        ("木曜日", "木曜", "木"),
        ("金曜日", "金曜", "金"),
        ("土曜日", "土曜", "土"),
        ("日曜日", "日曜", "日"),
    ),
    "chinese": (
        ("星期一", "周一", "週一", "礼拜一", "禮拜一"),
        ("星期二", "周二", "週二", "礼拜二", "禮拜二"),
        ("星期三", "周三", "週三", "礼拜三", "禮拜三"),
        ("星期四", "周四", "週四", "礼拜四", "禮拜四"),
        ("星期五", "周五", "週五", "礼拜五", "禮拜五"),
        ("星期六", "周六", "週六", "礼拜六", "禮拜六"),
        ("星期日", "星期天", "周日", "周天", "週日", "礼拜天", "禮拜天", "礼拜日"),
    ),
    "korean": (
        ("월요일", "월"),
        ("화요일", "화"),
        ("수요일", "수"),
        ("목요일", "목"),
        ("금요일", "금"),
        ("토요일", "토"),
        ("일요일", "일"),
    ),
}

#: Languages whose day names grid rows may use.
DAY_NAME_LANGUAGES: tuple[str, ...] = tuple(_WEEKS)


def day_key(text: str) -> str:
    """Compare key of a day label: case-folded, no spaces, hyphens or dots."""
    folded = unicodedata.normalize("NFC", text).casefold()
    return "".join(ch for ch in folded if ch not in " \t-.:'’")


def _plain(key: str) -> str:
    """``key`` without diacritics (``miércoles`` -> ``miercoles``)."""
    out = "".join(
        ch for ch in unicodedata.normalize("NFKD", key) if not unicodedata.combining(ch)
    )
    return out.replace("đ", "d").replace("ł", "l").replace("ı", "i")


def _build() -> tuple[dict[str, int], dict[str, int]]:
    exact: dict[str, int] = {}
    plain: dict[str, int] = {}
    for week in _WEEKS.values():
        for index, names in enumerate(week):
            for name in names:
                for table, key in (
                    (exact, day_key(name)),
                    (plain, _plain(day_key(name))),
                ):
                    if table.setdefault(key, index) != index:  # pragma: no cover
                        raise AssertionError(f"day name {name!r} is two days")
    return exact, plain


_EXACT, _PLAIN = _build()


def local_day(text: str) -> int | None:
    """The day (Monday = 0) a localized grid row names, or None.

    Examples
    --------
    >>> local_day("Thứ Hai"), local_day("miercoles"), local_day("星期日")
    (0, 2, 6)
    """
    key = day_key(text)
    if key in _EXACT:
        return _EXACT[key]
    return _PLAIN.get(_plain(key))
