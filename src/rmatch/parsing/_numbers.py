"""Numbers: whole numbers, decimals and answers on a rating scale."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import numpy as np

from rmatch.parsing._text import (
    MAX_LEN,
    ParseError,
    is_missing,
    is_number,
    normalize_token,
    quoted,
    to_text,
)

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
    if is_number(value):
        as_float = float(value)  # type: ignore[arg-type]
        if isinstance(value, int | np.integer):
            number = int(value)
        elif math.isfinite(as_float) and as_float.is_integer():
            number = int(as_float)
    else:
        text = to_text(value)
        if len(text) <= MAX_LEN and _INT_RE.match(text):
            number = int(text.split(".")[0])
    if number is None:
        raise ParseError(f"{name} {quoted(to_text(value))} must be a whole number", fix)
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
    if is_number(value):
        number = float(value)  # type: ignore[arg-type]
    else:
        text = to_text(value)
        if len(text) <= MAX_LEN and _FLOAT_RE.match(text):
            if "," in text and "." not in text:
                text = text.replace(",", ".")
            if "," not in text:
                number = float(text)
    if number is None or not math.isfinite(number):
        raise ParseError(
            f"{name} {quoted(to_text(value))} must be a number",
            f"write {name} as a number such as 2.5",
        )
    return number


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
        normalize_token(to_text(k)): v for k, v in scale.items() if not is_missing(k)
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
        Label -> value; labels are compared after
        [`normalize_token()`][rmatch.parsing.normalize_token]. The default maps common
        5-point labels to 1..5: strongly disagree .. strongly agree, not at all ..
        extremely, never .. always, beginner / novice / intermediate / advanced /
        expert, very low .. very high, poor .. excellent.

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
    if is_number(value):
        number = float(value)  # type: ignore[arg-type]
        if math.isfinite(number):
            return number
    text = normalize_token(to_text(value))
    lookup = _DEFAULT_LIKERT_LOOKUP if scale is None else _likert_lookup(scale)
    candidates = [text, text.rstrip(".!"), text.split("(", 1)[0].strip()]
    for candidate in candidates:
        if candidate in lookup:
            try:
                return float(lookup[candidate])
            except (TypeError, ValueError):
                break
    if len(text) <= MAX_LEN:
        for pattern in (_LEADING_NUMBER, _TRAILING_NUMBER):
            match = pattern.search(text)
            if match is not None:
                number = float(match[1].replace(",", "."))
                if math.isfinite(number):
                    return number
    known = ", ".join(sorted(lookup)[:12]) + (", ..." if len(lookup) > 12 else "")
    raise ParseError(
        f"{quoted(value)} is not on the rating scale",
        f"write a number or one of: {known}" if known else "write a number",
    )
