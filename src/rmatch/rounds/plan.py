"""Plan n rounds without repeated pairs, jointly: the best total over all rounds.

`plan_rounds()` solves **one** b-matching on the program's candidate graph in
which every person may take part ``n × capacity`` times and every pair at most once
(a 0/1 edge), then splits it into ``n`` rounds that each respect the capacities
(`rmatch.rounds.split_rounds()`: in a bipartite graph such a split always exists).
The rounds are therefore exactly as good, in total, as the best plan there is; the
plan also reports what planning round by round (solve, forbid the pairs, solve
again) would have achieved.

A *pair* is two people: when two people may mentor each other (both have the role
``both``), at most one direction is chosen over all rounds.

Examples
--------
>>> import rmatch
>>> people = rmatch.read_people(rmatch.datasets.demo_path())
>>> program = rmatch.Program.from_toml(rmatch.datasets.demo_program_path())
>>> plan = rmatch.plan_rounds(program, people, 3)
>>> [len(r.pairs) for r in plan.rounds] == plan.table()["pairs"].tolist()
True
>>> plan.total_score >= plan.sequential_total - 1e-6
True
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rmatch.candidates import CandidateSet
from rmatch.constraints import is_constraint
from rmatch.errors import ConfigError
from rmatch.people import People
from rmatch.program import Program
from rmatch.result import Matching, write_table
from rmatch.rounds.split import split_rounds
from rmatch.solvers import CandidateGraph, LinearConstraint, Solution, solve

__all__ = ["RoundsPlan", "plan_rounds", "reverse_pairs"]


def reverse_pairs(cs: CandidateSet) -> np.ndarray:
    """Edges ``(e, f)`` joining the same two people in both directions (``e < f``).

    Parameters
    ----------
    cs : CandidateSet

    Returns
    -------
    numpy.ndarray
        ``(k, 2)`` int64: A mentors B in edge ``e``, B mentors A in edge ``f``.
    """
    g = cs.graph
    # nobody on both sides (no role "both" among them): no pair in both directions
    if g.n_edges == 0 or not np.isin(cs.mentees, cs.mentors).any():
        return np.zeros((0, 2), dtype=np.int64)
    a = cs.mentors[g.left].astype(np.int64)
    b = cs.mentees[g.right].astype(np.int64)
    n = int(max(a.max(), b.max())) + 1
    key = a * n + b
    order = np.argsort(key, kind="stable")
    pos = np.minimum(np.searchsorted(key[order], b * n + a), key.size - 1)
    e = np.flatnonzero(key[order][pos] == b * n + a)
    f = order[pos[e]]
    keep = e < f
    return np.stack([e[keep], f[keep]], axis=1).astype(np.int64).reshape(-1, 2)


def _once(couples: np.ndarray, n_edges: int) -> tuple[LinearConstraint, ...]:
    """One ``x_e + x_f <= 1`` row per pair of people who may mentor each other."""
    rows = []
    for e, f in couples.tolist():
        coef = np.zeros(n_edges)
        coef[[e, f]] = 1.0
        rows.append(LinearConstraint(f"pair {e}/{f} once", coef, "<=", 1.0))
    return tuple(rows)


def _subgraph(g: CandidateGraph, keep: np.ndarray, couples: np.ndarray) -> Any:
    """The graph on edges ``keep`` (and the couples among them)."""
    index = np.full(g.n_edges, -1, dtype=np.int64)
    index[keep] = np.arange(keep.size)
    both = couples[(index[couples] >= 0).all(axis=1)] if couples.size else couples
    return dataclasses.replace(
        g,
        left=g.left[keep],
        right=g.right[keep],
        weight=g.weight[keep],
        side_constraints=_once(index[both].reshape(-1, 2), keep.size),
    )


def _objective(weights: np.ndarray, name: str) -> float:
    if name == "coverage":
        return float(weights.size)
    if name == "fairness":
        return float(weights.min()) if weights.size else 0.0
    return float(weights.sum())


@dataclasses.dataclass(frozen=True, eq=False)
class RoundsPlan:
    """``n`` rounds planned jointly, no pair repeated (see `plan_rounds()`).

    Attributes
    ----------
    rounds : list of Matching
        One result per round (pairs, unmatched with reasons, ``explain``, exports).
    solution : Solution
        The joint solve over all rounds (capacities ``n × capacity``).
    sequential : list of float
        Total score of each round when planned round by round (solve, forbid the
        round's pairs, solve again); empty when not computed.
    sequential_pairs : list of int
        Pairs of each round when planned round by round.
    """

    rounds: list[Matching]
    solution: Solution
    sequential: list[float]
    sequential_pairs: list[int]

    @property
    def total_score(self) -> float:
        """Sum of the scores of every pair of every round."""
        return float(sum(r.total_score for r in self.rounds))

    @property
    def sequential_total(self) -> float:
        """Total score when planning round by round (NaN when not computed)."""
        return float(sum(self.sequential)) if self.sequential else float("nan")

    @property
    def gain(self) -> float:
        """How much the joint plan adds over planning round by round."""
        return self.total_score - self.sequential_total

    @property
    def pairs(self) -> pd.DataFrame:
        """Every pair of every round, with a ``round`` column (1, 2, ...) first."""
        frames = [r.pairs.assign(round=k) for k, r in enumerate(self.rounds, 1)]
        out = pd.concat(frames, ignore_index=True)
        return out[["round", *(c for c in out.columns if c != "round")]]

    def table(self) -> pd.DataFrame:
        """One row per round: pairs, people matched, coverage, scores.

        ``coverage`` is the share of the mentee side matched in that round;
        ``sequential_score`` / ``sequential_pairs`` are the round-by-round plan's.
        """
        rows = []
        for k, r in enumerate(self.rounds, 1):
            s = r.summary()
            rows.append(
                {
                    "round": k,
                    "pairs": s.pairs,
                    "mentors_matched": s.mentors_matched,
                    "mentees_matched": s.mentees_matched,
                    "coverage": s.coverage,
                    "total_score": s.total_score,
                    "objective": s.objective,
                    "sequential_score": (
                        self.sequential[k - 1] if self.sequential else None
                    ),
                    "sequential_pairs": (
                        self.sequential_pairs[k - 1] if self.sequential else None
                    ),
                }
            )
        return pd.DataFrame(rows)

    def to_csv(
        self, folder: str | os.PathLike[str], *, bom: bool = False
    ) -> list[Path]:
        """Write ``round_1.csv`` … ``round_n.csv`` and ``summary.csv`` to ``folder``.

        The folder is created when missing. Returns the paths written.
        """
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        paths = [
            r.to_csv(target / f"round_{k}.csv", bom=bom)
            for k, r in enumerate(self.rounds, 1)
        ]
        paths.append(write_table(self.table(), target / "summary.csv", bom=bom))
        return paths

    def __str__(self) -> str:
        t = self.table()
        lines = ["round  pairs  mentees  coverage     score"]
        for row in t.itertuples(index=False):
            lines.append(
                f"{row.round:>5} {row.pairs:>6} {row.mentees_matched:>8} "
                f"{row.coverage:>9.0%} {row.total_score:>9.3f}"
            )
        lines.append(
            f"joint plan: {int(t['pairs'].sum())} pairs, total score "
            f"{self.total_score:.3f} ({self.solution.method}, {self.solution.status})"
        )
        if self.sequential:
            lines.append(
                f"round by round: {sum(self.sequential_pairs)} pairs, total score "
                f"{self.sequential_total:.3f}; gain of the joint plan {self.gain:+.3f}"
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"RoundsPlan(rounds={len(self.rounds)}, pairs="
            f"{sum(len(r.pairs) for r in self.rounds)}, total={self.total_score:.4f})"
        )


def _round_solution(
    g: CandidateGraph, edges: np.ndarray, joint: Solution, k: int, n: int
) -> Solution:
    w = g.weight[edges]
    return Solution(
        edges=edges,
        total_score=float(w.sum()),
        objective=_objective(w, joint.objective_name),
        bound=None,
        gap=None,
        status="feasible",
        method=f"rounds({joint.method})",
        objective_name=joint.objective_name,
        seconds=0.0,
        stats={"round": k, "rounds": n, "joint_status": joint.status},
    )


def _sequential(
    program: Program, g: CandidateGraph, couples: np.ndarray, n: int, method: str
) -> tuple[list[float], list[int]]:
    """Round by round: solve, forbid the round's pairs (both directions), repeat."""
    partner = np.full(g.n_edges, -1, dtype=np.int64)
    if couples.size:
        partner[couples[:, 0]] = couples[:, 1]
        partner[couples[:, 1]] = couples[:, 0]
    left = np.ones(g.n_edges, dtype=bool)
    totals: list[float] = []
    pairs: list[int] = []
    for _ in range(n):
        keep = np.flatnonzero(left)
        sol = solve(
            _subgraph(g, keep, couples),
            method=method,
            objective=program.objective,
            time_limit=program.time_limit,
            seed=program.seed,
        )
        used = keep[sol.edges]
        totals.append(float(g.weight[used].sum()))
        pairs.append(int(used.size))
        left[used] = False
        left[partner[used][partner[used] >= 0]] = False
    return totals, pairs


def plan_rounds(
    program: Program, people: People, n: int, *, compare: bool = True
) -> RoundsPlan:
    """Plan ``n`` rounds with no pair repeated, maximizing the objective over all.

    Parameters
    ----------
    program : Program
        Criteria, hard rules, capacities (per round), objective and solver. Side
        constraints (quotas, required pairs, loads) are not supported yet.
    people : People
    n : int
        Number of rounds (>= 1).
    compare : bool, default True
        Also plan round by round, for `RoundsPlan.gain` (``n`` more solves).

    Returns
    -------
    RoundsPlan
        Rounds ordered by pairs, then total score (best first).

    Raises
    ------
    ConfigError
        ``n`` is not an int >= 1, the program has side constraints, or another
        setting is invalid.

    Notes
    -----
    One b-matching is solved on the candidate graph with capacities ``n ×
    capacity`` and every pair usable once; it is split into rounds exactly (see
    `rmatch.rounds.split`), so the total over the rounds is the optimum of
    "choose pairs, each person at most ``n × capacity`` of them". When two people
    may mentor each other, a row ``x_AB + x_BA <= 1`` keeps them to one pair and the
    ILP solves the plan (a ``flow`` or ``assignment`` method is replaced by
    ``ilp``). With ``top_k`` the plan uses the pruned candidate graph.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ConfigError(f"the number of rounds must be an int >= 1; got {n!r}")
    constraints = [r for r in program.rules if is_constraint(r)]
    if constraints:
        raise ConfigError(
            "planning rounds does not support side constraints (quotas, required "
            "pairs, loads) yet: "
            + ", ".join(type(c).__name__ for c in constraints)
            + "; remove them from the program, or match each round with "
            "Program.match and a History rule"
        )
    cs = program.candidates(people)
    g = cs.graph
    couples = reverse_pairs(cs)
    method = program.method
    if couples.size and method.partition(":")[0] not in ("auto", "ilp"):
        method = "ilp"
    joint_graph = dataclasses.replace(
        g,
        left_capacity=g.left_capacity * n,
        right_capacity=g.right_capacity * n,
        side_constraints=_once(couples, g.n_edges),
    )
    joint = solve(
        joint_graph,
        method=method,
        objective=program.objective,
        time_limit=program.time_limit,
        seed=program.seed,
    )
    edges = np.asarray(joint.edges, dtype=np.int64)
    parts = [
        edges[r]
        for r in split_rounds(
            g.left[edges], g.right[edges], g.left_capacity, g.right_capacity, n
        )
    ]
    parts.sort(key=lambda r: (-r.size, -float(g.weight[r].sum()), r[:1].tolist()))
    criteria = program.scoring_criteria()
    settings = program.to_dict()
    rounds = [
        Matching(
            people,
            cs,
            _round_solution(g, np.sort(r), joint, k, n),
            criteria,
            program=settings,
        )
        for k, r in enumerate(parts, 1)
    ]
    sequential: tuple[list[float], list[int]] = ([], [])
    if compare:
        sequential = _sequential(program, g, couples, n, method)
    return RoundsPlan(rounds, joint, *sequential)
