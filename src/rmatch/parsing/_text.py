"""Cell text: missing values, tokens, e-mail addresses and the shared helpers."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable

import numpy as np

from rmatch.errors import ParseError as ParseError  # re-exported by rmatch.parsing

MAX_LEN = 200  # longest time zone / timestamp / number text worth reading


# --------------------------------------------------------------------------- helpers

#: Cell texts that mean "no answer" (compared case-folded).
MISSING_TEXT = frozenset({"nan", "na", "n/a", "#n/a", "null", "<na>", "nat"})
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"


def quoted(value: object, limit: int = 60) -> str:
    """Quote a value for an error message, cut to ``limit`` characters.

    Parameters
    ----------
    value : object
        The value; a value whose ``str`` fails is named by its type.
    limit : int, default 60
        Longest text kept (an ellipsis marks a cut).

    Returns
    -------
    str
        ``repr`` of the (cut) text.
    """
    text = value if isinstance(value, str) else _safe_str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)


def _safe_str(value: object) -> str:
    try:
        return str(value)
    except Exception:  # an object whose __str__ fails: describe it by its type
        return f"<{type(value).__name__}>"


def to_text(value: object) -> str:
    """Convert a non-missing cell value to text (``2.0`` -> ``"2"``).

    Parameters
    ----------
    value : object
        A cell value: text, bytes (UTF-8), a bool, a number or any object.

    Returns
    -------
    str
        The text without surrounding white space or invisible characters.

    Raises
    ------
    ParseError
        An object that cannot be converted to text.
    """
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


def is_number(value: object) -> bool:
    """Return whether ``value`` is a number (a bool is not).

    Parameters
    ----------
    value : object
        A cell value.

    Returns
    -------
    bool
        True for Python and numpy integers and floats, NaN included.
    """
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def normalize_newlines(text: str) -> str:
    """Write every new line as ``"\\n"`` (``"\\r\\n"`` and ``"\\r"`` too).

    Parameters
    ----------
    text : str

    Returns
    -------
    str
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_items(text: str, separators: Iterable[str]) -> list[str]:
    """Split ``text`` on any of ``separators`` (new lines in any convention).

    Parameters
    ----------
    text : str
        Cell text.
    separators : iterable of str
        Item separators; the longest is tried first, empty ones are ignored.

    Returns
    -------
    list of str
        The items, empty ones included.
    """
    text = normalize_newlines(text)
    seps = sorted({s for s in separators if s}, key=len, reverse=True)
    if not seps:
        return [text]
    return re.split("|".join(re.escape(s) for s in seps), text)


def flatten(value: object) -> list[object]:
    """Return the cells inside a list-like value, or ``[value]``.

    Parameters
    ----------
    value : object
        A cell value; lists, tuples, sets and numpy arrays hold several cells.

    Returns
    -------
    list of object
    """
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
        return not text or (len(text) <= 4 and text.casefold() in MISSING_TEXT)
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
        text = "" if is_missing(text) else to_text(text)
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
    return to_text(text).casefold()
