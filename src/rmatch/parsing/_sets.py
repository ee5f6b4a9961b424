"""Multi-valued cells: sets of tokens and skills with levels."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from rmatch.parsing._text import (
    ParseError,
    flatten,
    is_missing,
    normalize_newlines,
    normalize_token,
    quoted,
    split_items,
    to_text,
)

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
        Tokens normalised with [`normalize_token()`][rmatch.parsing.normalize_token];
        empty tokens dropped. A missing value gives an empty set.

    Examples
    --------
    >>> sorted(parse_set("Photography;  running\\nRunning;;"))
    ['photography', 'running']
    """
    separators = tuple(separators)
    if is_missing(value):
        return frozenset()
    tokens: set[str] = set()
    for item in flatten(value):
        if is_missing(item):
            continue
        for part in split_items(to_text(item), separators):
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
            f"skill {quoted(token)} has level {quoted(text)}; "
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
            f"default skill level {quoted(default_level)} is not a whole number 1-5",
            _LEVEL_FIX,
        )
    separators = tuple(separators)
    if is_missing(value):
        return {}
    pairs: list[tuple[str, int]] = []
    if isinstance(value, Mapping):
        for key, level in value.items():
            name = normalize_token(to_text(key)) if not is_missing(key) else ""
            if not name:
                continue
            if is_missing(level):
                pairs.append((name, default_level))
            else:
                pairs.append((name, _skill_level(to_text(level), name)))
    else:
        for item in flatten(value):
            if is_missing(item):
                continue
            for part in split_items(to_text(item), separators):
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
            f"skill level {quoted(token)} has no skill name",
            "write the skill before its level, e.g. 'python:4'",
        )
    return name, level


# The separators of parse_skills, as one compiled pattern.
_SKILL_SEPARATORS = re.compile("[;\n]")


class SkillsParser:
    """`parse_skills()` on text cells, each item text parsed once.

    Calling an instance on a cell gives what ``parse_skills(cell)`` gives (default
    level 3, ``;`` and new-line separators), errors included; the parsed items are
    cached on the instance, so a column with repeated items is fast.

    Examples
    --------
    >>> parser = SkillsParser()
    >>> parser("python:4; TikTok:5; genai; Python (2)")
    {'genai': 3, 'python': 4, 'tiktok': 5}
    """

    def __init__(self) -> None:
        self.items: dict[str, tuple[str, int] | ParseError | None] = {}

    def _item(self, part: str) -> tuple[str, int] | None:
        got = self.items.get(part, self)
        if got is self:
            try:
                got = _parse_skill_item(part, 3)
            except ParseError as exc:
                got = exc
            self.items[part] = got  # type: ignore[assignment]
        if isinstance(got, ParseError):
            raise got
        return got  # type: ignore[return-value]

    def __call__(self, text: str) -> dict[str, int]:
        if is_missing(text):
            return {}
        skills: dict[str, int] = {}
        for part in _SKILL_SEPARATORS.split(normalize_newlines(to_text(text))):
            parsed = self._item(part)
            if parsed is not None:
                name, level = parsed
                skills[name] = max(level, skills.get(name, 0))
        return dict(sorted(skills.items()))
