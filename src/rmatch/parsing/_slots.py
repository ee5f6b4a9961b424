"""Local intervals to a UTC slot mask, and a slot mask back to text."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from rmatch.parsing._availability import normalize_intervals, parse_availability_item
from rmatch.parsing._batch import (
    equal_rows,
    first_per_owner,
    given_items,
    join_groups,
    plain_cells,
    split_plain,
)
from rmatch.parsing._text import (
    ParseError,
    is_missing,
    normalize_newlines,
    to_text,
)
from rmatch.parsing._timezones import offset_slots, parse_timezone
from rmatch.parsing._week import (
    DAY_MINUTES,
    DAYS,
    DEFAULT_REFERENCE_MONDAY,
    SLOT_MINUTES,
    SLOTS_PER_WEEK,
)

_SLOTS_PER_DAY = DAY_MINUTES // SLOT_MINUTES
_DAY_TITLES = tuple(d.title() for d in DAYS)


# ------------------------------------------------------------------------ UTC slots


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
        [`parse_availability()`][rmatch.parsing.parse_availability] (ends past 10080
        wrap to the week start).
    tz : datetime.tzinfo or str
        The person's time zone (text is read with
        [`parse_timezone()`][rmatch.parsing.parse_timezone]).
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
    for s, e in normalize_intervals(pairs):
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
            day * _SLOTS_PER_DAY + day_slots - offset_slots(zone, date)
        ) % SLOTS_PER_WEEK
        utc[target[block]] = True
    return utc


def slots_to_text(slots: npt.ArrayLike) -> str:
    """Write a slot mask as availability text.

    Parameters
    ----------
    slots : array-like of bool, shape (672,)
        UTC slot mask as returned by [`to_utc_slots()`][rmatch.parsing.to_utc_slots].

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
    >>> from rmatch.parsing import parse_availability
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
    return slots_to_texts(mask[None, :])[0]


def slots_to_texts(masks: npt.ArrayLike) -> list[str]:
    """Write many slot masks as availability text at once.

    Same text as [`slots_to_text()`][rmatch.parsing.slots_to_text] mask by mask,
    with the runs of all masks found in one pass and each item written once.

    Parameters
    ----------
    masks : array-like of bool, shape (n, 672)
        One UTC slot mask per row.

    Returns
    -------
    list of str
        One text per row (``""`` for an empty mask).

    Raises
    ------
    ParseError
        Wrong shape.

    Examples
    --------
    >>> from rmatch.parsing import parse_availability
    >>> week = to_utc_slots(parse_availability("Mon 22:00-01:00"), "UTC")
    >>> slots_to_texts([week, np.zeros(672, dtype=bool)])
    ['Mon 22:00-24:00; Tue 00:00-01:00', '']
    """
    return slots_to_items(masks)[0]


def slots_to_items(
    masks: npt.ArrayLike,
) -> tuple[list[str], tuple[np.ndarray, np.ndarray, list[str]]]:
    """[`slots_to_texts()`][rmatch.parsing.slots_to_texts] and the items of the texts.

    Returns
    -------
    texts : list of str
        What ``slots_to_texts(masks)`` gives.
    items : (numpy.ndarray, numpy.ndarray, list of str)
        ``(owner, codes, distinct)``: the ``k``-th item (``"Mon 09:00-11:00"``)
        of the texts is ``distinct[codes[k]]`` of text ``owner[k]``, in text
        order; each text is its items joined by ``"; "`` (see
        [`AvailabilityMasks.many()`][rmatch.parsing.AvailabilityMasks.many]).
    """
    try:
        grid = np.asarray(masks, dtype=bool)
    except (TypeError, ValueError) as exc:
        raise ParseError(
            "masks must be a boolean array", "pass one mask of 672 slots per row"
        ) from exc
    if grid.ndim != 2 or grid.shape[1] != SLOTS_PER_WEEK:
        raise ParseError(
            f"masks have shape {grid.shape}, expected (n, {SLOTS_PER_WEEK})",
            "pass one mask of 672 slots per row",
        )
    n = grid.shape[0]
    days = grid.reshape(n * 7, _SLOTS_PER_DAY)  # items never cross midnight
    # the edges of each distinct day (masks share their days), then every day's
    which, first = equal_rows(np.packbits(days, axis=1))
    padded = np.zeros((first.size, _SLOTS_PER_DAY + 2), dtype=np.int8)
    padded[:, 1:-1] = days[first]
    edge_row, at = np.nonzero(np.diff(padded, axis=1))
    # edges come in (start, end) couples, in order of row and slot
    counts = np.bincount(edge_row[0::2], minlength=first.size)[which]
    row = np.repeat(np.arange(n * 7), counts)
    ends = np.cumsum(counts)
    offsets = np.concatenate(([0], np.cumsum(np.bincount(edge_row[0::2]))))
    edge = 2 * (offsets[which[row]] + np.arange(row.size) - (ends - counts)[row])
    start, end = at[edge], at[edge + 1]
    mask_of, day = np.divmod(row, 7)
    keys = (day * (_SLOTS_PER_DAY + 1) + start) * (_SLOTS_PER_DAY + 1) + end
    codes, found = pd.factorize(keys)  # few distinct items: sorted afterwards
    order = np.argsort(found)
    distinct = found[order]
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    inverse = rank[codes]
    words = []
    for key in distinct.tolist():
        rest, e = divmod(key, _SLOTS_PER_DAY + 1)
        d, s = divmod(rest, _SLOTS_PER_DAY + 1)
        words.append(f"{_DAY_TITLES[d]} {_hhmm(s)}-{_hhmm(e)}")
    items = np.array(words, dtype=object)[inverse.ravel()].tolist()
    out = join_groups(items, mask_of, n, "; ")
    return out, (mask_of.astype(np.int64), inverse.ravel().astype(np.int64), words)


def _hhmm(slot_of_day: int) -> str:
    minutes = slot_of_day * SLOT_MINUTES
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# The separators of parse_availability, as one compiled pattern.
_AVAILABILITY_SEPARATORS = re.compile("[;\n|]")


class AvailabilityMasks:
    """Parse an availability cell into a local slot mask, each item text once.

    Same result as [`parse_availability()`][rmatch.parsing.parse_availability] followed
    by the local step of [`to_utc_slots()`][rmatch.parsing.to_utc_slots]: a cell is the
    union of its items, each snapped to slots. Calling an instance on a cell gives a
    boolean mask of ``SLOTS_PER_WEEK`` local slots (``empty`` for a missing cell); the
    parsed items are cached on the instance.

    Attributes
    ----------
    empty : numpy.ndarray of bool
        The mask of a cell with no availability.

    Examples
    --------
    >>> mask = AvailabilityMasks()("Mon 09:00-11:00")
    >>> int(mask.sum()), int(mask.argmax())
    (8, 36)
    """

    def __init__(self) -> None:
        self.empty = np.zeros(SLOTS_PER_WEEK, dtype=bool)
        self.items: dict[str, np.ndarray | ParseError] = {}

    def _parsed(self, item: str) -> np.ndarray | ParseError:
        got = self.items.get(item)
        if got is None:
            try:
                intervals = normalize_intervals(parse_availability_item(item))
                mask = np.zeros(SLOTS_PER_WEEK, dtype=bool)
                for start, end in intervals:
                    mask[start // SLOT_MINUTES : end // SLOT_MINUTES] = True
                got = mask
            except ParseError as exc:
                got = exc
            self.items[item] = got
        return got

    def _item(self, item: str) -> np.ndarray:
        got = self._parsed(item)
        if isinstance(got, ParseError):
            raise got
        return got

    def __call__(self, text: str) -> np.ndarray:
        if is_missing(text):
            return self.empty
        masks = [
            self._item(item.strip())
            for item in _AVAILABILITY_SEPARATORS.split(
                normalize_newlines(to_text(text))
            )
            if item.strip()
        ]
        if not masks:
            return self.empty
        if len(masks) == 1:
            return masks[0]
        out: np.ndarray = np.logical_or.reduce(masks)
        return out

    def many(
        self,
        texts: Sequence[str],
        *,
        packed: bool = False,
        items: tuple[np.ndarray, np.ndarray, Sequence[str]] | None = None,
    ) -> tuple[np.ndarray, dict[int, ParseError]]:
        """Parse many text cells at once, each distinct item once.

        Parameters
        ----------
        texts : sequence of str
            The cells (usually the distinct cells of a column).
        packed : bool, default False
            Return the masks packed (``numpy.packbits`` along the slots:
            ``uint8``, shape ``(len(texts), SLOTS_PER_WEEK // 8)``).
        items : (numpy.ndarray, numpy.ndarray, sequence of str), optional
            The items of the texts when the caller joined the texts from them
            (see [`slots_to_items()`][rmatch.parsing.slots_to_items]), so that
            they are not split again: ``(owner, codes, distinct)``, the ``k``-th
            item being ``distinct[codes[k]]`` of text ``owner[k]``, in text
            order. They must be what splitting each text on ``;``, new lines and
            ``|`` gives, up to white space around an item and empty items.

        Returns
        -------
        masks : numpy.ndarray of bool, shape (len(texts), SLOTS_PER_WEEK)
            The local mask of every cell: what calling the parser on it gives
            (``empty`` for a cell whose call raises).
        errors : dict of int to ParseError
            Cell -> the error parsing it raises.

        Examples
        --------
        >>> masks, errors = AvailabilityMasks().many(["Mon 09:00-11:00", "Xyz"])
        >>> masks.sum(axis=1).tolist(), sorted(errors)
        ([8, 0], [1])
        """
        n = len(texts)
        plain = plain_cells(texts)
        fast = np.flatnonzero(plain)
        if items is None:
            _, owner, split = split_plain(
                [texts[i] for i in fast.tolist()], (";", "\n", "|")
            )
            owner = fast[owner]
            codes, found = pd.factorize(np.asarray(split, dtype=object))
            distinct = found.tolist()
        else:
            owner, codes, distinct = given_items(texts, plain, items)
        parsed: list[np.ndarray | ParseError | None] = []
        for item in distinct:
            key = item.strip()
            parsed.append(self._parsed(key) if key else None)
        failed = np.array([isinstance(g, ParseError) for g in parsed], dtype=bool)
        errors: dict[int, ParseError] = {}
        owners, first = first_per_owner(owner, failed[codes])
        for o, at in zip(owners.tolist(), first.tolist(), strict=True):
            errors[o] = parsed[int(codes[at])]  # type: ignore[assignment]
        bad = np.zeros(n, dtype=bool)
        bad[list(errors)] = True
        item_masks = np.zeros((len(parsed), SLOTS_PER_WEEK), dtype=bool)
        for k, got in enumerate(parsed):
            if isinstance(got, np.ndarray):
                item_masks[k] = got
        # a cell is the union of its items: OR over the packed masks of each cell's
        # items (they come in order of cell)
        keep = np.flatnonzero(~bad[owner])
        bits = np.zeros((n, SLOTS_PER_WEEK // 8), dtype=np.uint8)
        if keep.size:
            cells, first = np.unique(owner[keep], return_index=True)
            chosen = np.packbits(item_masks, axis=1)[codes[keep]]
            bits[cells] = np.bitwise_or.reduceat(chosen, first, axis=0)
        for i in np.flatnonzero(~plain).tolist():
            try:
                bits[i] = np.packbits(self(texts[i]))
            except ParseError as exc:
                errors[i] = exc
        if packed:
            return bits, errors
        return np.unpackbits(bits, axis=1, count=SLOTS_PER_WEEK).astype(bool), errors
