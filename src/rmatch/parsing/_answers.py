"""Categorical answers: the participant role and yes / no."""

from __future__ import annotations

import re

import numpy as np

from rmatch.parsing._text import (
    ParseError,
    is_missing,
    normalize_token,
    quoted,
    to_text,
)

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
    text = normalize_token(to_text(value))
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
        raise ParseError(f"role {quoted(value)} {reason}", _ROLE_FIX)
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
    text = normalize_token(to_text(value)).rstrip(".!")
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
        f"{quoted(value)} is not a yes/no answer",
        "write yes or no (or leave it empty)",
    )
