"""Solver data types: the candidate graph, linear side constraints and solutions.

Everything here is plain numpy: solvers never see pandas or people, only node
*positions* (``0 .. n_left-1`` for mentors, ``0 .. n_right-1`` for mentees) and edge
*indices* (``0 .. n_edges-1``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from rmatch.errors import ConfigError

__all__ = ["CandidateGraph", "LinearConstraint", "Solution"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Sense = Literal["<=", ">=", "=="]
Status = Literal["optimal", "feasible", "time_limit"]

_SENSES = ("<=", ">=", "==")


def _frozen(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Return a read-only view (the caller's array keeps its own flags)."""
    view = array.view()
    view.flags.writeable = False
    return view


def _as_int(name: str, value: Any, shape: tuple[int, ...] | None = None) -> IntArray:
    """Convert ``value`` to an int64 array, refusing non-integral numbers."""
    arr = np.asarray(value)
    if shape is not None and arr.ndim == 0:
        arr = np.full(shape, arr)
    if arr.dtype.kind == "b":
        raise ConfigError(f"{name} must hold integers, got booleans")
    if arr.dtype.kind in "iu":
        out = arr.astype(np.int64, copy=False)
    elif arr.dtype.kind == "f":
        if arr.size and (
            not np.all(np.isfinite(arr)) or not np.array_equal(arr, np.round(arr))
        ):
            raise ConfigError(f"{name} must hold whole numbers")
        out = arr.astype(np.int64)
    elif arr.size == 0:
        out = arr.astype(np.int64)
    else:
        raise ConfigError(f"{name} must hold integers, got dtype {arr.dtype}")
    return _frozen(out)


def _as_float(name: str, value: Any) -> FloatArray:
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf" and arr.size:
        raise ConfigError(f"{name} must hold numbers, got dtype {arr.dtype}")
    return _frozen(arr.astype(np.float64, copy=False))


@dataclass(frozen=True)
class LinearConstraint:
    """A linear side constraint ``sum_e coef[e] * x[e]  (sense)  rhs`` over edges.

    Parameters
    ----------
    name : str
        Short human-readable name, used in diagnostics,
        e.g. ``"quota: at least 40% cross-department"``.
    coef : numpy.ndarray
        float64 coefficients, one per edge of the graph it belongs to.
    sense : {"<=", ">=", "=="}
        Direction of the constraint.
    rhs : float
        Right-hand side.
    description : str, optional
        Longer explanation shown when the constraint cannot hold.

    Examples
    --------
    At least half of the pairs must use edges flagged ``cross``:

    >>> import numpy as np
    >>> cross = np.array([1.0, 0.0, 1.0])
    >>> c = LinearConstraint("half cross", cross - 0.5, ">=", 0.0)
    >>> c.lhs(np.array([0, 1]))
    0.0
    """

    name: str
    coef: FloatArray
    sense: Sense
    rhs: float
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "coef", _as_float(f"constraint {self.name!r}", self.coef)
        )
        if self.sense not in _SENSES:
            raise ConfigError(
                f"constraint {self.name!r}: sense must be one of {_SENSES}, "
                f"got {self.sense!r}"
            )
        object.__setattr__(self, "rhs", float(self.rhs))

    def lhs(self, edges: npt.ArrayLike) -> float:
        """Return ``sum(coef[edges])``, the left-hand side for chosen ``edges``."""
        idx = np.asarray(edges, dtype=np.int64)
        return float(np.sum(self.coef[idx])) if idx.size else 0.0

    def violation(self, value: float) -> float:
        """Return by how much ``value`` misses the constraint (0 when it holds)."""
        if self.sense == "<=":
            return max(0.0, value - self.rhs)
        if self.sense == ">=":
            return max(0.0, self.rhs - value)
        return abs(value - self.rhs)

    def label(self) -> str:
        """Return ``name`` plus the description when there is one."""
        return f"{self.name} ({self.description})" if self.description else self.name


@dataclass(frozen=True)
class CandidateGraph:
    """Bipartite candidate graph: left = mentor positions, right = mentee positions.

    Edge ``e`` joins mentor ``left[e]`` and mentee ``right[e]`` with score
    ``weight[e]`` in ``[0, 1]``. Pairs that rules forbid are simply not edges.

    Parameters
    ----------
    n_left, n_right : int
        Number of mentors and mentees.
    left, right : numpy.ndarray
        int64 endpoints of every edge, shape ``(n_edges,)``.
    weight : numpy.ndarray
        float64 scores in ``[0, 1]``, shape ``(n_edges,)``.
    left_capacity, right_capacity : numpy.ndarray
        int64 maximum number of pairs per mentor / mentee (``>= 0``).
    left_min, right_min : numpy.ndarray, optional
        int64 minimum number of pairs per mentor / mentee.
    required : numpy.ndarray, optional
        bool mask of edges that must be chosen.
    side_constraints : tuple of LinearConstraint
        Extra linear rows over the edges (quotas).

    Notes
    -----
    Arrays are stored as read-only views. `check()` validates the structure;
    [`rmatch.solvers.solve()`][rmatch.solvers.solve] calls it before solving.

    Examples
    --------
    >>> import numpy as np
    >>> g = CandidateGraph.from_dense(np.array([[0.9, 0.1], [0.8, 0.7]]))
    >>> g.n_edges, g.left.tolist(), g.right.tolist()
    (4, [0, 0, 1, 1], [0, 1, 0, 1])
    """

    n_left: int
    n_right: int
    left: IntArray
    right: IntArray
    weight: FloatArray
    left_capacity: IntArray
    right_capacity: IntArray
    left_min: IntArray | None = None
    right_min: IntArray | None = None
    required: BoolArray | None = None
    side_constraints: tuple[LinearConstraint, ...] = field(default=())

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        try:
            set_(self, "n_left", int(self.n_left))
            set_(self, "n_right", int(self.n_right))
        except (TypeError, ValueError) as exc:
            raise ConfigError("n_left and n_right must be integers") from exc
        set_(self, "left", _as_int("left", self.left))
        set_(self, "right", _as_int("right", self.right))
        set_(self, "weight", _as_float("weight", self.weight))
        set_(self, "left_capacity", _as_int("left_capacity", self.left_capacity))
        set_(self, "right_capacity", _as_int("right_capacity", self.right_capacity))
        if self.left_min is not None:
            set_(self, "left_min", _as_int("left_min", self.left_min))
        if self.right_min is not None:
            set_(self, "right_min", _as_int("right_min", self.right_min))
        if self.required is not None:
            req = np.asarray(self.required)
            if req.dtype.kind != "b":
                raise ConfigError(
                    f"required must be a bool mask, got dtype {req.dtype}"
                )
            set_(self, "required", _frozen(req))
        set_(self, "side_constraints", tuple(self.side_constraints))

    # ------------------------------------------------------------------ helpers
    @property
    def n_edges(self) -> int:
        """Number of edges."""
        return int(self.left.shape[0])

    @property
    def has_lower_bounds(self) -> bool:
        """Whether any node has a positive minimum load."""
        return any(
            m is not None and bool(np.any(m > 0))
            for m in (self.left_min, self.right_min)
        )

    @property
    def has_required(self) -> bool:
        """Whether any edge is required."""
        return self.required is not None and bool(np.any(self.required))

    def left_min_or_zero(self) -> IntArray:
        """Return ``left_min`` or zeros."""
        if self.left_min is None:
            return np.zeros(self.n_left, dtype=np.int64)
        return np.asarray(self.left_min, dtype=np.int64)

    def right_min_or_zero(self) -> IntArray:
        """Return ``right_min`` or zeros."""
        if self.right_min is None:
            return np.zeros(self.n_right, dtype=np.int64)
        return np.asarray(self.right_min, dtype=np.int64)

    def required_mask(self) -> BoolArray:
        """Return ``required`` or an all-False mask."""
        if self.required is None:
            return np.zeros(self.n_edges, dtype=np.bool_)
        return np.asarray(self.required, dtype=np.bool_)

    def left_degree(self) -> IntArray:
        """Number of candidate edges of each mentor."""
        return np.bincount(self.left, minlength=self.n_left).astype(np.int64)

    def right_degree(self) -> IntArray:
        """Number of candidate edges of each mentee."""
        return np.bincount(self.right, minlength=self.n_right).astype(np.int64)

    def max_pairs(self) -> int:
        """Cheap upper bound on the number of pairs of any matching."""
        return int(
            min(
                self.n_edges,
                int(np.minimum(self.left_capacity, self.left_degree()).sum()),
                int(np.minimum(self.right_capacity, self.right_degree()).sum()),
            )
        )

    @classmethod
    def from_dense(
        cls,
        weights: npt.ArrayLike,
        allowed: npt.ArrayLike | None = None,
        left_capacity: npt.ArrayLike = 1,
        right_capacity: npt.ArrayLike = 1,
        **kwargs: Any,
    ) -> CandidateGraph:
        """Build a graph from a dense ``(n_left, n_right)`` weight matrix.

        Parameters
        ----------
        weights : array_like
            Scores in ``[0, 1]``; entries that are NaN are not edges.
        allowed : array_like of bool, optional
            Mask of allowed pairs (default: every pair with a finite weight).
        left_capacity, right_capacity : int or array_like
            Capacities (scalars are broadcast).
        **kwargs
            Passed on to the constructor (``left_min``, ``side_constraints``...).
            Side-constraint coefficients must follow the row-major edge order.

        Returns
        -------
        CandidateGraph
            Edges in row-major order (sorted by ``(left, right)``).
        """
        w = np.asarray(weights, dtype=np.float64)
        if w.ndim != 2:
            raise ConfigError(f"weights must be a 2-D matrix, got shape {w.shape}")
        mask = np.isfinite(w)
        if allowed is not None:
            allow = np.asarray(allowed, dtype=np.bool_)
            if allow.shape != w.shape:
                raise ConfigError("allowed must have the same shape as weights")
            mask &= allow
        rows, cols = np.nonzero(mask)
        n_left, n_right = w.shape
        return cls(
            n_left=n_left,
            n_right=n_right,
            left=rows.astype(np.int64),
            right=cols.astype(np.int64),
            weight=w[rows, cols],
            left_capacity=_as_int("left_capacity", left_capacity, (n_left,)),
            right_capacity=_as_int("right_capacity", right_capacity, (n_right,)),
            **kwargs,
        )

    def subgraph(self, edge_mask: npt.ArrayLike) -> CandidateGraph:
        """Return the graph restricted to the edges where ``edge_mask`` is true.

        Edge ``i`` of the result is edge ``np.flatnonzero(edge_mask)[i]`` of this
        graph; nodes, capacities and side-constraint rows are kept.
        """
        mask = np.asarray(edge_mask, dtype=np.bool_)
        if mask.shape != (self.n_edges,):
            raise ConfigError(f"edge_mask must have shape ({self.n_edges},)")
        return replace(
            self,
            left=self.left[mask],
            right=self.right[mask],
            weight=self.weight[mask],
            required=None if self.required is None else self.required[mask],
            side_constraints=tuple(
                replace(c, coef=c.coef[mask]) for c in self.side_constraints
            ),
        )

    # -------------------------------------------------------------- validation
    def check(self) -> None:
        """Raise `ConfigError` if the graph is inconsistent.

        Checks shapes, node ranges, duplicate ``(left, right)`` pairs, weights in
        ``[0, 1]``, non-negative capacities and lower bounds, and the shape and
        finiteness of side constraints.
        """
        problems: list[str] = []
        if self.n_left < 0 or self.n_right < 0:
            problems.append("n_left and n_right must be >= 0")
        n_e = self.left.shape[0]
        for name, arr in (
            ("left", self.left),
            ("right", self.right),
            ("weight", self.weight),
        ):
            if arr.ndim != 1 or arr.shape[0] != n_e:
                problems.append(f"{name} must have shape ({n_e},), got {arr.shape}")
        if problems:
            raise ConfigError("invalid candidate graph: " + "; ".join(problems))
        if n_e:
            if self.left.min() < 0 or self.left.max() >= self.n_left:
                problems.append(f"left node positions must be in [0, {self.n_left})")
            if self.right.min() < 0 or self.right.max() >= self.n_right:
                problems.append(f"right node positions must be in [0, {self.n_right})")
            if not np.all(np.isfinite(self.weight)):
                problems.append("weights must be finite")
            elif self.weight.min() < 0.0 or self.weight.max() > 1.0:
                problems.append("weights must be in [0, 1]")
        bounds: tuple[tuple[str, IntArray | None, int], ...] = (
            ("left_capacity", self.left_capacity, self.n_left),
            ("right_capacity", self.right_capacity, self.n_right),
            ("left_min", self.left_min, self.n_left),
            ("right_min", self.right_min, self.n_right),
        )
        for name, maybe, n in bounds:
            if maybe is None:
                continue
            arr = maybe
            if arr.shape != (n,):
                problems.append(f"{name} must have shape ({n},), got {arr.shape}")
            elif n and arr.min() < 0:
                problems.append(f"{name} must be >= 0")
        if self.required is not None and self.required.shape != (n_e,):
            problems.append(
                f"required must have shape ({n_e},), got {self.required.shape}"
            )
        for c in self.side_constraints:
            if not isinstance(c, LinearConstraint):
                problems.append("side_constraints must hold LinearConstraint objects")
                continue
            if c.coef.shape != (n_e,):
                problems.append(
                    f"constraint {c.name!r}: coef must have shape ({n_e},), "
                    f"got {c.coef.shape}"
                )
            elif not np.all(np.isfinite(c.coef)) or not np.isfinite(c.rhs):
                problems.append(f"constraint {c.name!r}: coefficients must be finite")
        if not problems and n_e:
            key = self.left * np.int64(max(self.n_right, 1)) + self.right
            # candidate graphs come sorted by (mentor, mentee): one pass then
            if n_e > 1 and not bool(np.all(key[1:] > key[:-1])):
                uniq, counts = np.unique(key, return_counts=True)
            else:
                uniq, counts = key, np.ones(n_e, dtype=np.int64)
            if uniq.shape[0] != n_e:
                dup = int(uniq[np.argmax(counts > 1)])
                problems.append(
                    f"duplicate edge (mentor {dup // max(self.n_right, 1)}, "
                    f"mentee {dup % max(self.n_right, 1)})"
                )
        if problems:
            raise ConfigError("invalid candidate graph: " + "; ".join(problems))


@dataclass(frozen=True)
class Solution:
    """Result of [`rmatch.solvers.solve()`][rmatch.solvers.solve].

    Attributes
    ----------
    edges : numpy.ndarray
        Sorted int64 indices of the chosen edges.
    total_score : float
        Sum of the chosen weights.
    objective : float
        Value of the requested objective: the total score for ``"total"``, the
        number of pairs for ``"coverage"``, the smallest chosen weight for
        ``"fairness"`` (0.0 for an empty matching). Secondary criteria (the total
        for coverage and fairness) are in ``total_score`` and ``stats``.
    bound : float or None
        Proven upper bound on ``objective`` (equal to it when optimal); ``None``
        for heuristics.
    gap : float or None
        ``(bound - objective) / max(|bound|, 1e-9)``; 0.0 when optimal.
    status : {"optimal", "feasible", "time_limit"}
        ``"optimal"`` is proven (to a relative tolerance of 1e-9), ``"feasible"``
        is a heuristic or uncertified answer, ``"time_limit"`` is the best answer
        found in the time allowed.
    method : str
        Method and backend, e.g. ``"flow(ortools)"``.
    objective_name : str
        ``"total"``, ``"coverage"`` or ``"fairness"``.
    seconds : float
        Wall-clock time of the solve.
    stats : dict
        JSON-safe details (method choice, phases, tie-break epsilon, ...).
    """

    edges: IntArray
    total_score: float
    objective: float
    bound: float | None
    gap: float | None
    status: Status
    method: str
    objective_name: str
    seconds: float
    stats: dict[str, Any]

    @property
    def n_pairs(self) -> int:
        """Number of chosen pairs."""
        return int(self.edges.shape[0])

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict (edges as a list of ints)."""
        return {
            "edges": [int(e) for e in self.edges],
            "total_score": self.total_score,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "status": self.status,
            "method": self.method,
            "objective_name": self.objective_name,
            "seconds": self.seconds,
            "stats": self.stats,
        }
