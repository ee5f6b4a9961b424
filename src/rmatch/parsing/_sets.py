"""Multi-valued cells: sets of tokens and skills with levels."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from rmatch.parsing._batch import (
    first_per_owner,
    given_items,
    plain_cells,
    split_plain,
)
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

    def _parsed(self, part: str) -> tuple[str, int] | ParseError | None:
        got = self.items.get(part, self)
        if got is self:
            try:
                got = _parse_skill_item(part, 3)
            except ParseError as exc:
                got = exc
            self.items[part] = got  # type: ignore[assignment]
        return got  # type: ignore[return-value]

    def _item(self, part: str) -> tuple[str, int] | None:
        got = self._parsed(part)
        if isinstance(got, ParseError):
            raise got
        return got

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

    def many(
        self,
        texts: Sequence[str],
        items: tuple[np.ndarray, np.ndarray, Sequence[str]] | None = None,
    ) -> SkillRows:
        """Parse many text cells at once, each distinct item once.

        Parameters
        ----------
        texts : sequence of str
            The cells (usually the distinct cells of a column).
        items : (numpy.ndarray, numpy.ndarray, sequence of str), optional
            The items of the texts when the caller has them (it joined the texts
            from them), so that they are not split again: ``(owner, codes,
            distinct)``, the ``k``-th item being ``distinct[codes[k]]`` of text
            ``owner[k]``, in text order. They must be what splitting each text on
            ``;`` and new lines gives, up to white space around an item and empty
            items. Only the items of plain texts with an answer are read.

        Returns
        -------
        SkillRows
            Cell ``i`` has the skills ``names[columns[k]]`` at ``levels[k]`` for
            ``k`` in ``indptr[i]:indptr[i + 1]`` (sorted by name): what calling the
            parser on the cell gives. A cell whose call raises has no skills and
            its error in ``errors``.

        Examples
        --------
        >>> rows = SkillsParser().many(["python:4; SQL", "", "python:9"])
        >>> rows.indptr.tolist(), rows.names, rows.levels.tolist()
        ([0, 2, 2, 2], ('python', 'sql'), [4, 3])
        >>> sorted(rows.errors)
        [2]
        """
        n = len(texts)
        plain = plain_cells(texts)
        fast = np.flatnonzero(plain)
        if items is None:
            _, owner, split = split_plain(
                [texts[i] for i in fast.tolist()], (";", "\n")
            )
            owner = fast[owner]
            codes, found = pd.factorize(np.asarray(split, dtype=object))
            distinct = found.tolist()
        else:
            owner, codes, distinct = given_items(texts, plain, items)
        parsed = [self._parsed(p) for p in distinct]
        failed = np.array([isinstance(g, ParseError) for g in parsed], dtype=bool)
        errors: dict[int, ParseError] = {}
        owners, first = first_per_owner(owner, failed[codes])
        for o, at in zip(owners.tolist(), first.tolist(), strict=True):
            errors[o] = parsed[int(codes[at])]  # type: ignore[assignment]
        slow: list[tuple[int, str, int]] = []
        for i in np.flatnonzero(~plain).tolist():
            try:
                slow.extend((i, name, level) for name, level in self(texts[i]).items())
            except ParseError as exc:
                errors[i] = exc
        bad = np.zeros(n, dtype=bool)
        bad[list(errors)] = True
        ok = np.array([isinstance(g, tuple) for g in parsed], dtype=bool)
        keep = ok[codes] & ~bad[owner] if codes.size else np.zeros(0, dtype=bool)
        used = np.flatnonzero(np.bincount(codes[keep], minlength=len(parsed))).tolist()
        names = sorted(
            {parsed[k][0] for k in used} | {s[1] for s in slow}  # type: ignore[index]
        )
        column_of = {name: j for j, name in enumerate(names)}
        item_column = np.zeros(len(parsed), dtype=np.int64)
        item_level = np.zeros(len(parsed), dtype=np.int64)
        for k in used:
            name, level = parsed[k]  # type: ignore[misc]
            item_column[k], item_level[k] = column_of[name], level
        owner = np.concatenate(
            [owner[keep], np.array([s[0] for s in slow], dtype=np.int64)]
        )
        column = np.concatenate(
            [
                item_column[codes[keep]],
                np.array([column_of[s[1]] for s in slow], dtype=np.int64),
            ]
        )
        level = np.concatenate(
            [item_level[codes[keep]], np.array([s[2] for s in slow], dtype=np.int64)]
        )
        # one entry per (cell, name): the highest level, in order of cell and name
        width = len(names) + 1
        order = np.argsort((owner * width + column) * 8 + (7 - level), kind="stable")
        owner, column, level = owner[order], column[order], level[order]
        head = np.ones(owner.size, dtype=bool)
        head[1:] = (owner[1:] != owner[:-1]) | (column[1:] != column[:-1])
        owner, column, level = owner[head], column[head], level[head]
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(owner, minlength=n), out=indptr[1:])
        return SkillRows(indptr, tuple(names), column, level, errors)


class SkillRows(NamedTuple):
    """Skills of many cells (the layout of a CSR matrix).

    What [`SkillsParser.many()`][rmatch.parsing.SkillsParser.many] returns.

    Attributes
    ----------
    indptr : numpy.ndarray
        ``int64``, one more than the cells: cell ``i`` owns the entries
        ``indptr[i]:indptr[i + 1]``.
    names : tuple of str
        The skill names found, sorted.
    columns : numpy.ndarray
        ``int64`` index into ``names`` of every entry (increasing within a cell).
    levels : numpy.ndarray
        ``int64`` level 1-5 of every entry.
    errors : dict of int to ParseError
        Cell -> the error parsing it raises (such a cell has no entries).
    """

    indptr: np.ndarray
    names: tuple[str, ...]
    columns: np.ndarray
    levels: np.ndarray
    errors: dict[int, ParseError]
