"""Reading answer cells: multi-selects, grids, rating scales, ordinal answers, roles.

`AnswerBuilder` turns the mapped columns of a
`Table` into canonical text columns (the cell formats
[`read_people()`][rmatch.io.read_people] reads), each distinct cell parsed once; `Part`
is the result for one file.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rmatch.errors import short
from rmatch.parsing import (
    SLOT_MINUTES,
    SLOTS_PER_WEEK,
    ParseError,
    is_missing,
    join_groups,
    normalize_token,
    parse_likert,
    parse_period_grid,
    parse_role,
    parse_yes_no,
    slots_to_items,
    split_cells,
)
from rmatch.survey._common import SET_FIELDS, SKILL_FIELDS
from rmatch.survey.columns import ColumnUse, IssueLog, Table
from rmatch.survey.mapping import SurveyMap
from rmatch.survey.spec import ColumnSpec

__all__ = ["AnswerBuilder", "Part"]


_LEVEL_TEXT = re.compile(
    r"^(?P<name>.+?)\s*(?::\s*(?P<a>[^:]+)|\(\s*(?P<b>[^()]+)\s*\))$"
)
_PAREN_NUMBER = re.compile(r"\(\s*([+-]?[0-9.,]+)\s*\)\s*$")


def _level(text: str, scale: Mapping[str, float] | None) -> int:
    """Skill level 0-5 from a number or a rating label (0: not a skill)."""
    number = parse_likert(text, scale)
    if number is None:
        return 0
    level = int(np.floor(number + 0.5))
    if level < 0 or level > 5:
        raise ParseError(
            f"skill level {short(text, 40)!r} is {number:g}, outside 1-5",
            "use a 1-5 scale, or map the answers with scale = {'Expert' = 5, ...}",
        )
    return level


def _set_token(text: str) -> str:
    """A set token that the canonical parser reads back unchanged."""
    text = text.replace(":", " - ")
    text = _PAREN_NUMBER.sub(lambda m: f"[{m[1]}]", text)
    return normalize_token(text)


def _skill_token(text: str, scale: Mapping[str, float] | None) -> str:
    """``name:level`` (or ``name``) from ``Python: 4`` or ``Python (Expert)``."""
    match = _LEVEL_TEXT.match(text.strip())
    if match is not None:
        label = (match["a"] or match["b"] or "").strip()
        try:
            level = _level(label, scale)
        except ParseError:
            if re.fullmatch(r"[+-]?[0-9.,]+", label):
                raise
            level = -1  # not a level: part of the name
        if level >= 0:
            name = _set_token(match["name"])
            if not name:
                raise ParseError(
                    f"skill level {short(text, 40)!r} has no skill name",
                    "write the skill before its level, e.g. 'python:4'",
                )
            return "" if level == 0 else f"{name}:{level}"
    return _set_token(text)


def _split(text: str, separators: Sequence[str]) -> list[str]:
    stripped = text.strip()
    if stripped.startswith("[") and stripped.endswith("]"):
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
        if isinstance(data, list):
            return [str(v).strip() for v in data if not is_missing(v)]
    return [
        p.strip() for p in _splitter(tuple(separators)).split(stripped) if p.strip()
    ]


def cell_tokens(
    text: str, separators: Sequence[str], token_of: Callable[[str], str]
) -> tuple[str, ...]:
    """The distinct tokens of one multi-select cell, in order (the per-cell path).

    Raises the `ParseError` of the first option ``token_of`` cannot read.
    """
    found = (token_of(p) for p in _split(text, separators))
    return tuple(dict.fromkeys(t for t in found if t))


@functools.lru_cache(maxsize=64)
def _splitter(separators: tuple[str, ...]) -> re.Pattern[str]:
    """The compiled pattern of multi-select separators (``;`` and new lines too)."""
    seps = sorted({*separators, ";", "\n", "\r"}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, seps)))


class AnswerBuilder:
    """Apply a `SurveyMap` to a table: canonical text columns."""

    def __init__(
        self, smap: SurveyMap, table: Table, uses: list[ColumnUse], issues: IssueLog
    ) -> None:
        self.smap = smap
        self.table = table
        self.uses = uses
        self.issues = issues
        self.n = len(table.frame)
        self.out: dict[str, np.ndarray] = {}
        self.origin: dict[str, list[str]] = {}
        # column use -> the tokens of its distinct cells: (cell, token code, tokens)
        self._items: dict[int, tuple[np.ndarray, np.ndarray, list[str]]] = {}
        #: Set field (or availability) -> (codes, texts, items): ``out[field]`` is
        #: ``texts[codes]``, each text its ``items`` joined (see `SplitColumn`).
        self.split: dict[str, tuple[np.ndarray, list[str], Any]] = {}
        self._grid_items: tuple[np.ndarray, list[str], Any] | None = None

    # -------------------------------------------------------------- per column
    def _scale(self, spec: ColumnSpec) -> Mapping[str, float] | None:
        if spec.scale is not None:
            return spec.scale
        return self.smap.likert

    def _mapped(self, spec: ColumnSpec, text: str) -> str:
        if spec.values is not None:
            found = spec.values.get(normalize_token(text))
            if found is not None:
                return found
        if spec.order is not None:
            keys = [normalize_token(o) for o in spec.order]
            key = normalize_token(text)
            if key in keys:
                return str(keys.index(key) + 1)
        return text

    def _report_failed(
        self,
        use: ColumnUse,
        codes: np.ndarray,
        uniques: Any,
        failed: dict[int, ParseError],
    ) -> None:
        """One issue per distinct cell that failed to parse, on all its rows."""
        for k in sorted(failed):
            problem = failed[k]
            self.issues.add(
                self.table,
                np.flatnonzero(codes == k),
                use.column,
                problem.message,
                problem.fix,
                value=uniques[k],
                code=f"bad_{use.spec.field}",
            )

    def _per_unique(
        self, use: ColumnUse, fn: Callable[[str], Any], default: Any
    ) -> tuple[np.ndarray, list[Any]]:
        """Apply ``fn`` to each distinct cell of a column; report ParseErrors."""
        values = self.table.frame[use.column].to_numpy(dtype=object)
        codes, uniques = pd.factorize(values)
        results: list[Any] = []
        failed: dict[int, ParseError] = {}
        for k, text in enumerate(uniques.tolist()):
            text = str(text)
            if not text:
                results.append(default)
                continue
            try:
                results.append(fn(text))
            except ParseError as error:
                results.append(default)
                failed[k] = error
        self._report_failed(use, codes, uniques, failed)
        return codes.astype(np.int64), results

    def _text(self, use: ColumnUse) -> np.ndarray:
        spec = use.spec
        plain = not (spec.likert or spec.scale is not None or spec.values or spec.order)
        if plain and spec.field != "role":  # the cell as it is: nothing to parse
            return self.table.frame[use.column].to_numpy(dtype=object)
        if spec.likert or spec.scale is not None:
            scale = self._scale(spec)

            def fn(text: str) -> str:
                mapped = self._mapped(spec, text)
                number = parse_likert(mapped, scale)
                if number is None:
                    return ""
                return str(int(number)) if float(number).is_integer() else repr(number)
        else:

            def fn(text: str) -> str:
                return self._mapped(spec, text)

        if spec.field == "role":
            roles = self.smap.roles

            def fn_role(text: str) -> str:
                mapped = self._mapped(spec, text)
                role = roles.get(normalize_token(mapped))
                if role is None:
                    try:
                        role = parse_role(mapped)
                    except ParseError:
                        role = mapped  # validation reports it, on the raw column
                return role

            codes, results = self._per_unique(use, fn_role, "")
        else:
            codes, results = self._per_unique(use, fn, "")
        return (
            np.asarray(results, dtype=object)[codes]
            if results
            else np.full(self.n, "", dtype=object)
        )

    def _tokens(
        self, use: ColumnUse, *, joined: bool = False
    ) -> tuple[np.ndarray, list[Any]]:
        """Each distinct cell's tokens (``joined``: joined by ``"; "``)."""
        spec = use.spec
        scale = self._scale(spec)
        separators = spec.separators or self.smap.separators
        skills = spec.field in SKILL_FIELDS

        if spec.skill is not None or (skills and use.sub is not None):
            skill = spec.skill or str(use.sub)

            def grid(text: str) -> tuple[str, ...]:
                level = _level(self._mapped(spec, text), scale)
                name = _set_token(skill)
                return (f"{name}:{level}",) if level > 0 and name else ()

            return _joined(self._per_unique(use, grid, ()), joined)

        if use.sub is not None:  # a grid of sets: "Interests [Chess]" = "Yes"
            token = _set_token(use.sub)

            def ticked(text: str) -> tuple[str, ...]:
                answer = self._mapped(spec, text)
                try:
                    yes = parse_yes_no(answer)
                except ParseError:
                    yes = True  # any other answer ("Very interested") is a tick
                if yes is None or not yes:
                    return ()
                return (token,) if token else ()

            return _joined(self._per_unique(use, ticked, ()), joined)

        def token_of(part: str) -> str:
            mapped = self._mapped(spec, part)
            if not mapped:
                return ""
            return _skill_token(mapped, scale) if skills else _set_token(mapped)

        return self._options(use, separators, token_of, joined=joined)

    def _options(
        self,
        use: ColumnUse,
        separators: Sequence[str],
        token_of: Callable[[str], str],
        *,
        joined: bool = False,
    ) -> tuple[np.ndarray, list[Any]]:
        """Multi-select cells: the distinct tokens of each distinct cell, in order
        (``joined``: joined by ``"; "``).

        Each distinct cell is split once and each distinct option read once; a
        cell whose option cannot be read is reported with the first such error
        and reads as no tokens.
        """
        values = self.table.frame[use.column].to_numpy(dtype=object)
        codes, uniques = pd.factorize(values)
        texts = _stripped(uniques.tolist())
        results: list[Any] = [()] * len(texts)
        failed: dict[int, ParseError] = {}
        listed = (
            [k for k, t in enumerate(texts) if t[:1] == "[" and t[-1:] == "]"]
            if "[" in "".join(texts)
            else []
        )
        for k in listed:  # a JSON list (or text that looks like one): cell by cell
            try:
                results[k] = cell_tokens(texts[k], separators, token_of)
            except ParseError as error:
                failed[k] = error
        cells = np.arange(len(texts))
        if listed:
            cells = np.setdiff1d(cells, listed)
        owner, items = split_cells(
            [texts[k] for k in cells.tolist()] if listed else texts,
            [*separators, ";", "\n", "\r"],
        )
        item_codes, parts = pd.factorize(
            np.fromiter(map(str.strip, items), dtype=object, count=len(items))
        )
        tokens: list[str] = []
        token_code: dict[str, int] = {}
        part_token = np.full(len(parts), -1, dtype=np.int64)  # -1: no token
        part_error: dict[int, ParseError] = {}
        for j, part in enumerate(parts.tolist()):
            if not part:
                continue
            try:
                token = token_of(part)
            except ParseError as error:
                part_error[j] = error
                continue
            if token:
                part_token[j] = token_code.setdefault(token, len(tokens))
                if part_token[j] == len(tokens):
                    tokens.append(token)
        bad = np.zeros(cells.size, dtype=bool)
        if part_error:
            hit = np.flatnonzero(np.isin(item_codes, list(part_error)))
            cell_of, first = np.unique(owner[hit], return_index=True)
            for c, at in zip(cell_of.tolist(), hit[first].tolist(), strict=True):
                failed[int(cells[c])] = part_error[int(item_codes[at])]
            bad[cell_of] = True
        of_item = part_token[item_codes]
        keep = np.flatnonzero((of_item >= 0) & ~bad[owner])
        # the first of each (cell, token), in item order
        pair = pd.Series(owner[keep] * (len(tokens) + 1) + of_item[keep])
        keep = keep[~pair.duplicated().to_numpy()]
        names = np.asarray(tokens, dtype=object)[of_item[keep]].tolist()
        found: list[Any]
        if joined:
            found = join_groups(names, owner[keep], cells.size, "; ")
            if listed:
                results = ["; ".join(r) for r in results]
        else:
            ends = np.cumsum(np.bincount(owner[keep], minlength=cells.size)).tolist()
            found = [
                tuple(names[start:end])
                for start, end in zip([0, *ends][: len(ends)], ends, strict=True)
            ]
        if listed:
            for c, tokens_of in zip(cells.tolist(), found, strict=True):
                results[c] = tokens_of
        else:
            results = found
        # every cell's tokens, as (cell, token) pairs, for validation to reuse: only
        # when they are what splitting the joined text on ";" gives (a `values`
        # mapping may map an option to "data; ml": validation splits that again)
        if not listed and not any(";" in t for t in tokens):
            self._items[id(use)] = (cells[owner[keep]], of_item[keep], tokens)
        self._report_failed(use, codes, uniques, failed)
        return codes.astype(np.int64), results

    def _grid(
        self, use: ColumnUse
    ) -> tuple[np.ndarray, list[tuple[tuple[int, int], ...]]]:
        day = use.spec.day or use.sub or use.column
        periods = self.smap.periods

        def fn(text: str) -> tuple[tuple[int, int], ...]:
            return tuple(parse_period_grid({day: text}, periods, self.smap.days))

        return self._per_unique(use, fn, ())

    def _slots_text(self, use: ColumnUse) -> np.ndarray:
        separators = use.spec.separators or ()

        def fn(text: str) -> str:
            return "; ".join(_split(text, separators))

        codes, results = self._per_unique(use, fn, "")
        return (
            np.asarray(results, dtype=object)[codes]
            if results
            else np.full(self.n, "", dtype=object)
        )

    # -------------------------------------------------------------- combining
    def _combine(
        self,
        parts: list[tuple[np.ndarray, list[Any]]],
        join: Callable[[list[Any]], str],
    ) -> np.ndarray:
        """Combine per-column results row by row, once per distinct combination."""
        out = np.full(self.n, "", dtype=object)
        if not parts or self.n == 0:
            return out
        first, inverse = _combination_key(parts, self.n)
        texts = [
            join([results[int(codes[row])] for codes, results in parts])
            for row in first.tolist()
        ]
        out[:] = np.asarray(texts, dtype=object)[inverse]
        return out

    def _grid_text(
        self, parts: list[tuple[np.ndarray, list[tuple[tuple[int, int], ...]]]]
    ) -> np.ndarray:
        """Availability text of grid columns: each distinct combination once.

        The mask of a distinct combination is the union of its columns' masks
        (a slot partly free is free); all are written by one
        [`slots_to_texts()`][rmatch.parsing.slots_to_texts] call.
        """
        out = np.full(self.n, "", dtype=object)
        if not parts or self.n == 0:
            return out
        first, inverse = _combination_key(parts, self.n)
        masks = np.zeros((first.size, SLOTS_PER_WEEK), dtype=bool)
        for codes, results in parts:
            masks |= _interval_masks(results)[codes[first]]
        texts, items = slots_to_items(masks)
        out[:] = np.asarray(texts, dtype=object)[inverse]
        self._grid_items = (inverse.astype(np.int64), texts, items)
        return out

    def build(self) -> dict[str, np.ndarray]:
        """Field -> canonical text column; `origin` gets each field's columns."""
        by_field: dict[str, list[ColumnUse]] = {}
        for use in self.uses:
            by_field.setdefault(use.spec.field, []).append(use)
        for name, uses in by_field.items():
            self.origin[name] = list(dict.fromkeys(u.column for u in uses))
            if name in SET_FIELDS or name in SKILL_FIELDS:

                def join_tokens(groups: list[tuple[str, ...]]) -> str:
                    return "; ".join(dict.fromkeys(t for g in groups for t in g))

                if len(uses) == 1 and self.n:  # one column: its tokens are distinct
                    codes, joined = self._tokens(uses[0], joined=True)
                    self.out[name] = np.asarray(joined, dtype=object)[codes]
                    items = self._items.get(id(uses[0]))
                    if items is not None:
                        self.split[name] = (codes, joined, items)
                else:
                    parts = [self._tokens(u) for u in uses]
                    self.out[name] = self._combine(parts, join_tokens)
            elif name == "availability":
                grid = [u for u in uses if u.spec.day is not None or u.sub is not None]
                texts = [self._slots_text(u) for u in uses if u not in grid]
                pieces = self._grid_text([self._grid(u) for u in grid])
                for text in texts:
                    pieces = _join_text(pieces, text, "; ")
                self.out[name] = pieces
                if not texts and self._grid_items is not None:
                    self.split[name] = self._grid_items
            elif len(uses) == 1:  # one column: its cells as they are read
                self.out[name] = np.array(self._text(uses[0]), dtype=object)
            elif name in ("name", "first_name", "last_name"):
                out = np.full(self.n, "", dtype=object)
                for u in uses:
                    out = _join_text(out, self._text(u), " ")
                self.out[name] = out
            else:
                out = np.full(self.n, "", dtype=object)
                for u in uses:
                    text = self._text(u)
                    out = np.where(out == "", text, out)
                self.out[name] = out
        if "name" not in self.out and (
            "first_name" in self.out or "last_name" in self.out
        ):
            empty = np.full(self.n, "", dtype=object)
            self.out["name"] = _join_text(
                self.out.get("first_name", empty), self.out.get("last_name", empty), " "
            )
            self.origin["name"] = self.origin.get("first_name", []) + self.origin.get(
                "last_name", []
            )
        for helper in ("first_name", "last_name"):
            self.out.pop(helper, None)
        return self.out


def _joined(
    found: tuple[np.ndarray, list[tuple[str, ...]]], joined: bool
) -> tuple[np.ndarray, list[Any]]:
    """Codes and tokens of distinct cells, the tokens joined by ``"; "`` if asked."""
    codes, results = found
    return (codes, ["; ".join(r) for r in results]) if joined else (codes, results)


def _stripped(values: list[Any]) -> list[str]:
    """``str(v).strip()`` of every value (at C speed when all are text)."""
    try:
        return list(map(str.strip, values))
    except TypeError:  # not all text
        return [str(v).strip() for v in values]


def _join_text(a: np.ndarray, b: np.ndarray, sep: str) -> np.ndarray:
    both = (a != "") & (b != "")
    out = np.where(a == "", b, a).astype(object)
    if both.any():
        out[both] = [f"{x}{sep}{y}" for x, y in zip(a[both], b[both], strict=True)]
    return out


def _combination_key(
    parts: list[tuple[np.ndarray, list[Any]]], n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct combinations of per-column codes: (first row, inverse).

    One integer per row and combination (mixed radix); ``first`` is the first row
    of each distinct combination, ``inverse`` the combination of every row.
    """
    key = np.zeros(n, dtype=np.int64)
    radix = 1
    for codes, results in parts:
        size = max(len(results), 1)
        if radix * size >= 2**62:  # too many combinations: compress first
            _, key = np.unique(key, return_inverse=True)
            key = key.reshape(-1)
            radix = int(key.max()) + 1
        key = key * size + codes
        radix *= size
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def _interval_masks(groups: list[tuple[tuple[int, int], ...]]) -> np.ndarray:
    """One slot mask per group of local intervals (a slot partly free is free)."""
    masks = np.zeros((max(len(groups), 1), SLOTS_PER_WEEK), dtype=bool)
    for k, group in enumerate(groups):
        for start, end in group:
            masks[k, start // SLOT_MINUTES : -(-end // SLOT_MINUTES)] = True
    return masks


@dataclass
class Part:
    """One file's rows after mapping: canonical text columns and their origin.

    Attributes
    ----------
    table : Table
        The raw rows.
    out : dict of str to numpy.ndarray
        Field -> canonical text column.
    origin : dict of str to list of str
        Field -> the raw columns it was read from.
    id_from_email : bool
        ``id`` was derived from the normalized e-mail.
    split : dict of str to (numpy.ndarray, list of str, tuple)
        Set field -> its codes, texts and tokens (see `AnswerBuilder.split`).
    email_keys : numpy.ndarray or None
        The normalized ``email`` column, when it was normalized.
    """

    table: Table
    out: dict[str, np.ndarray]
    origin: dict[str, list[str]]
    id_from_email: bool
    split: dict[str, tuple[np.ndarray, list[str], Any]] = field(default_factory=dict)
    email_keys: np.ndarray | None = None
