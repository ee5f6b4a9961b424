"""Program: criteria, rules, capacities, objective and solver — and ``match``.

A [`Program`][rmatch.program.Program] only stores its settings;
[`Program.match()`][rmatch.program.Program.match] checks them and runs the stages:
candidates (score + rules) → solve → [`Matching`][rmatch.result.Matching].

Examples
--------
>>> import rmatch
>>> people = rmatch.read_people([
...     {"id": "A", "role": "mentor", "skills_offered": "genai:5", "manager_id": ""},
...     {"id": "B", "role": "mentee", "skills_wanted": "genai:3", "manager_id": "A"},
...     {"id": "C", "role": "mentee", "skills_wanted": "genai:2", "manager_id": ""},
... ])
>>> result = rmatch.Program(criteria=[rmatch.Skills()]).match(people)
>>> result.pairs[["mentor_id", "mentee_id"]].values.tolist()  # A manages B
[['A', 'C']]
>>> result.unmatched[["id", "reason"]].values.tolist()
[['B', 'every candidate mentor is in their reporting line']]
"""

from __future__ import annotations

import copy
import datetime as _dt
import functools
import os
import time
import tomllib
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Unpack

from rmatch.candidates import CandidateSet, build_candidates
from rmatch.certify import certify
from rmatch.choices import match_choices
from rmatch.config_file import dumps as toml_dumps
from rmatch.constraints import (
    Soft,
    apply_constraints,
    check_result,
    is_constraint,
    translate,
)
from rmatch.constraints import precheck as precheck_constraints
from rmatch.distributed import dask_candidates
from rmatch.errors import (
    ConfigError,
    DataQualityWarning,
    InfeasibleGraphError,
    InfeasibleProgramError,
)
from rmatch.feedback import rematch
from rmatch.people import People
from rmatch.result import Matching
from rmatch.rules import ForbiddenPairs, NoReportingLine, Rule
from rmatch.scoring import Criterion, default_criteria
from rmatch.settings import (
    PROGRAM_KEYS,
    program_problems,
    read_config,
    round_settings,
    run_settings,
    write_config,
)
from rmatch.shortlist import Shortlist, ShortlistOptions, for_program
from rmatch.solvers import METHODS as SOLVER_METHODS
from rmatch.solvers import VARIANTS, solve

__all__ = ["METHODS", "OBJECTIVES", "Program", "valid_method"]

METHODS = SOLVER_METHODS
OBJECTIVES = ("total", "coverage", "fairness")


def valid_method(method: object) -> bool:
    """Whether ``method`` names a solver method (``"ilp"``, ``"ilp:cbc"``...).

    Parameters
    ----------
    method : object

    Returns
    -------
    bool

    Examples
    --------
    >>> valid_method("ilp"), valid_method("auto"), valid_method("simplex")
    (True, True, False)
    """
    if not isinstance(method, str):
        return False
    name, _, variant = method.partition(":")
    if name not in SOLVER_METHODS:
        return False
    return not variant or variant in VARIANTS.get(name, ())


class Program:
    """A mentoring program: how pairs are scored, which are allowed, how to solve.

    Parameters
    ----------
    criteria : list of Criterion, optional
        Default: skills (weight 3), schedule (2), interests (1), goals (1).
    rules : list, optional
        Hard rules ([`rmatch.rules`][rmatch.rules]), soft rules
        ([`rmatch.Soft`][rmatch.constraints.Soft]) and constraints on the whole matching
        ([`rmatch.constraints`][rmatch.constraints]: quotas, required pairs, load
        bounds). Default: ``[NoReportingLine(levels=1)]``. Pass ``[]`` for none.
    mentor_capacity : int, default 1
        Mentees per mentor when a person's capacity is not given.
    mentee_capacity : int, default 1
        Mentors per mentee when not given.
    method : {"auto", "assignment", "flow", "ilp", "lagrangian", "stable", "greedy"}
        A solver variant may follow a colon (``"ilp:cbc"``, ``"flow:networkx"``).
    objective : {"total", "coverage", "fairness"}
        ``total``: the best sum of scores. ``coverage``: the most people matched,
        then the best total. ``fairness``: the best worst pair, then the best total.
    top_k : int, optional
        Keep only the best ``top_k`` candidates per person (for large programs); the
        result then reports a certified bound and gap.
    time_limit : float, optional
        Seconds for the integer-programming solver.
    seed : int, default 0
        Kept for reproducibility of randomized parts; the same input, program and seed
        give byte-identical output.
    reference_monday : datetime.date, optional
        Week used to convert availability between time zones.
    name : str, optional
    block_cells : int
        Pairs scored at once (memory bound).
    gap_tolerance : float, optional
        With ``top_k``: if the certified gap to the unpruned optimum is above this
        (e.g. ``0.001`` for 0.1%), ``top_k`` is enlarged (×4) and the program runs
        again, until the gap is small enough or nothing is pruned.
    """

    def __init__(
        self,
        criteria: Sequence[Criterion] | None = None,
        rules: Sequence[Rule] | None = None,
        *,
        mentor_capacity: int = 1,
        mentee_capacity: int = 1,
        method: str = "auto",
        objective: str = "total",
        top_k: int | None = None,
        time_limit: float | None = None,
        seed: int = 0,
        reference_monday: _dt.date | None = None,
        name: str | None = None,
        block_cells: int = 4_000_000,
        gap_tolerance: float | None = None,
        rounds: Mapping[str, Any] | None = None,
    ) -> None:
        self.criteria = list(criteria) if criteria is not None else default_criteria()
        self.rules = list(rules) if rules is not None else [NoReportingLine(1)]
        self.mentor_capacity = mentor_capacity
        self.mentee_capacity = mentee_capacity
        self.method = method
        self.objective = objective
        self.top_k = top_k
        self.time_limit = time_limit
        self.seed = seed
        self.reference_monday = reference_monday
        self.name = name
        self.block_cells = block_cells
        self.gap_tolerance = gap_tolerance
        self.mapping: dict[str, Any] = {}
        self.rounds = dict(rounds or {})
        self.solve_hook: Any = None  # set by rmatch.feedback for a round

    # ------------------------------------------------------------------ checks
    def check(self, people: People | None = None) -> None:
        """Raise `ConfigError` naming the first invalid setting."""

        problems = program_problems({k: getattr(self, k) for k in PROGRAM_KEYS})
        if problems:
            raise ConfigError("; ".join(problems))
        round_settings(self.rounds)
        if not self.criteria:
            raise ConfigError("criteria must be a non-empty list of Criterion")
        for c in self.criteria:
            if not isinstance(c, Criterion):
                raise ConfigError(
                    f"criteria must be Criterion objects; got {c!r}. Subclass "
                    "rmatch.Criterion or use the @rmatch.criterion decorator."
                )
            c.check()
        for r in self.rules:
            if not isinstance(r, Rule | Soft) and not is_constraint(r):
                raise ConfigError(
                    "rules must be Rule, Soft or constraint objects "
                    f"(rmatch.constraints); got {r!r}"
                )
            r.check(people)

    def scoring_criteria(self) -> list[Criterion]:
        """Return the criteria used for scoring: the criteria, then the soft rules."""
        return [*self.criteria, *(r for r in self.rules if isinstance(r, Soft))]

    # ------------------------------------------------------------------ run
    def mask_rules(self, people: People) -> list[Rule]:
        """Check the program against ``people``; return the rules applied as masks.

        Warns ([`DataQualityWarning`][rmatch.errors.DataQualityWarning]) about forbidden
        pairs that name unknown ids.
        """
        self.check(people)
        mask_rules = [r for r in self.rules if isinstance(r, Rule)]
        for r in mask_rules:
            if isinstance(r, ForbiddenPairs):
                unknown = r.unknown_ids(people)
                if unknown:
                    warnings.warn(
                        f"{len(unknown)} {r.title()} name people (by id, e-mail or "
                        f"name) not in {people.source}: {', '.join(unknown[:5])}; "
                        "they are ignored",
                        DataQualityWarning,
                        stacklevel=4,
                    )
        return mask_rules

    def candidates(
        self,
        people: People,
        *,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> CandidateSet:
        """Score and filter every pair: the candidate graph (stage 1 of ``match``)."""
        mask_rules = self.mask_rules(people)
        return build_candidates(
            people,
            self.scoring_criteria(),
            mask_rules,
            mentor_capacity=self.mentor_capacity,
            mentee_capacity=self.mentee_capacity,
            top_k=self.top_k,
            block_cells=self.block_cells,
            progress=progress,
        )

    def shortlist(
        self, people: People, k: int = 5, **options: Unpack[ShortlistOptions]
    ) -> Shortlist:
        """Ranked, spread suggestions per person (`rmatch.shortlist`)."""
        return for_program(self, people, k, **options)

    def match(
        self,
        people: People,
        *,
        choices: Any = None,
        previous: Any = None,
        feedback: Any = None,
        progress: Callable[[str, int, int], None] | None = None,
        engine: str = "local",
        client: Any = None,
    ) -> Matching:
        """Match ``people`` under this program.

        Parameters
        ----------
        people : People
        choices : Choices or file, optional
            Stated preferences ([`rmatch.read_choices()`][rmatch.choices.read_choices]
            or what it reads): ``method="stable"`` gives a stable matching on them,
            other methods the best rank utility ([`rmatch.choices`][rmatch.choices]).
        previous, feedback : optional
            A re-match after earlier rounds and their feedback
            ([`rmatch.feedback.rematch()`][rmatch.feedback.rematch]): pairs that work
            are kept, pairs ended by feedback never return, people left unmatched
            come first; ``result.changes`` is the changelog.
        progress : callable, optional
            ``progress(stage, done, total)``; the library is silent otherwise.
        engine : {"local", "dask"}
            Where the block scoring runs.
        client : dask.distributed.Client, optional
            With ``engine="dask"``; a LocalCluster is started when None.

        Returns
        -------
        Matching

        Raises
        ------
        ConfigError
            A setting is invalid.
        InfeasibleError
            No matching satisfies the hard rules (the reasons name people and rules).
        """
        if previous is not None or feedback is not None:
            if choices is not None:  # was silently dropped: say so instead
                raise ConfigError(
                    "Program.match takes choices or previous/feedback, not both yet: "
                    "a re-match keeps pairs and puts the previously unmatched first, "
                    "which stated preferences would override. Match on the choices "
                    "alone, or re-match without them."
                )
            return rematch(
                self,
                people,
                previous=previous,
                feedback=feedback,
                progress=progress,
                engine=engine,
                client=client,
            )
        seconds: dict[str, float] = {}
        if engine not in ("local", "dask"):
            raise ConfigError(
                f"The 'engine' parameter of Program.match must be 'local' or 'dask'. "
                f"Got {engine!r} instead."
            )
        t0 = time.perf_counter()
        cs, owners = self._constrained_candidates(
            people, self, engine, client, progress
        )
        plan = None
        if choices is not None:
            rules = [r for r in self.rules if isinstance(r, Rule)]
            plan = match_choices(
                choices, people, cs, criteria=self.scoring_criteria(), rules=rules,
                owners=owners,
            )  # fmt: skip
            cs = plan.candidates
        seconds["score"] = time.perf_counter() - t0
        if progress is not None:
            progress("solve", 0, 1)
        t1 = time.perf_counter()
        solution = self._solve(people, cs, owners) if plan is None else plan.solve(self)
        seconds["solve"] = time.perf_counter() - t1
        if plan is None and cs.top_k is not None and self.objective == "total":
            t3 = time.perf_counter()
            cs, solution = self._certify(
                people, cs, solution, progress=progress, engine=engine, client=client
            )
            seconds["certify"] = time.perf_counter() - t3
        constraints = [r for r in self.rules if is_constraint(r)]
        if constraints:  # the matching returned, after any certification round
            check_result(people, cs, constraints, solution)
        if progress is not None:
            progress("solve", 1, 1)
        t2 = time.perf_counter()
        result = Matching(
            people,
            cs,
            solution,
            self.scoring_criteria(),
            seconds=seconds,
            program=self.to_dict(),
            constraints=constraints,
            **({} if plan is None else plan.report(solution)),
        )
        seconds["report"] = time.perf_counter() - t2
        result.seconds.update(seconds)
        for text in result.warnings:
            warnings.warn(text, DataQualityWarning, stacklevel=2)
        return result

    def _constrained_candidates(
        self,
        people: People,
        settings: Program,
        engine: str,
        client: Any,
        progress: Callable[[str, int, int], None] | None,
    ) -> tuple[CandidateSet, dict[str, Any]]:
        """Candidates of ``settings`` on ``engine``, with the side constraints.

        Returns the candidate set and the owners of its constraint rows (for
        diagnosis). Raises InfeasibleProgramError when a precheck fails.
        """
        settings = run_settings(people, settings)  # automatic top_k, memory check
        if engine == "dask":
            cs = dask_candidates(
                people,
                settings.scoring_criteria(),
                settings.mask_rules(people),
                mentor_capacity=settings.mentor_capacity,
                mentee_capacity=settings.mentee_capacity,
                top_k=settings.top_k,
                block_cells=settings.block_cells,
                client=client,
                progress=progress,
            )
        else:
            cs = settings.candidates(people, progress=progress)
        constraints = [r for r in self.rules if is_constraint(r)]
        owners: dict[str, Any] = {}
        if constraints:
            cs, owners = apply_constraints(people, cs, constraints)
            findings = precheck_constraints(people, cs, constraints)
            if findings:
                raise InfeasibleProgramError(
                    "no matching satisfies the program's rules", findings
                )
        return cs, owners

    def _solve_graph(self, graph: Any) -> Any:
        """Solve ``graph`` with the program's method, objective, limit and seed."""
        run = functools.partial(
            solve,
            method=self.method,
            objective=self.objective,
            time_limit=self.time_limit,
            seed=self.seed,
        )
        return run(graph) if self.solve_hook is None else self.solve_hook(graph, run)

    def _solve(self, people: People, cs: CandidateSet, owners: dict[str, Any]) -> Any:
        """Solve ``cs.graph``; an infeasible program is explained in people terms."""
        if self.solve_hook is not None:
            self.solve_hook.bind(cs)
        try:
            return self._solve_graph(cs.graph)
        except InfeasibleGraphError as err:
            raise translate(err, people, cs, owners) from None

    def _certify(
        self,
        people: People,
        cs: CandidateSet,
        solution: Any,
        *,
        progress: Callable[[str, int, int], None] | None,
        engine: str,
        client: Any,
    ) -> tuple[CandidateSet, Any]:
        """Certify a pruned result; enlarge ``top_k`` until within ``gap_tolerance``.

        See [`rmatch.certify.certify()`][rmatch.certify.certify]: LP duals of the pruned
        problem bound the unpruned optimum, and pruned pairs that could improve it are
        added.
        """

        criteria = self.scoring_criteria()
        rules = [r for r in self.rules if isinstance(r, Rule)]
        while True:
            cs, solution, cert = certify(
                cs,
                solution,
                people=people,
                criteria=criteria,
                rules=rules,
                solve=self._solve_graph,
                progress=progress,
            )
            k = cs.top_k
            if (
                self.gap_tolerance is None
                or cert.gap <= self.gap_tolerance
                or k is None
                or not cs.pruned
            ):
                return cs, solution
            bigger = copy.copy(self)
            bigger.top_k = 4 * k
            cs, owners = self._constrained_candidates(
                people, bigger, engine, client, progress
            )
            solution = self._solve(people, cs, owners)

    # ------------------------------------------------------------------ config
    def to_dict(self) -> dict[str, Any]:
        """Return the settings as a JSON/TOML-safe dict (``from_dict`` round-trips).

        Criteria and rules registered by name (``rmatch.register_criterion``,
        ``rmatch.register_rule``) are written by that name and read back. Other
        custom Python criteria appear with ``custom = true``; they cannot be rebuilt
        from a file and must be passed again in Python.
        """
        return write_config(self)

    @classmethod
    def from_dict(
        cls,
        config: Mapping[str, Any],
        *,
        base_dir: str | os.PathLike[str] | None = None,
    ) -> Program:
        """Build a program from a dict (the parsed TOML, or `to_dict()` output).

        ``rules`` may be a table (``{no_reporting_line = 2, ...}``) or a list of
        ``{type = ..., ...}`` tables. Relative file names in it (``history =
        "past.csv"``, ``required_pairs``, ``[mapping.hr] file``) are read from
        ``base_dir`` when given, else from the working directory.
        """
        settings, criteria, rules, mapping = read_config(config, base_dir=base_dir)
        program = cls(criteria=criteria, rules=rules, **settings)
        program.mapping = mapping
        program.check()
        return program

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> Program:
        """Read a program from a TOML file (see ``docs/program.md``).

        Paths inside (e.g. ``history = "past.csv"``) are relative to the file
        (the working directory is not changed).
        """
        target = Path(path)
        if not target.exists():
            raise ConfigError(f"program file not found: {target}")
        try:
            config = tomllib.loads(target.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{target.name} is not valid TOML: {exc}") from None
        return cls.from_dict(config, base_dir=target.parent.resolve())

    def to_toml(self, path: str | os.PathLike[str] | None = None) -> str:
        """Return the settings as TOML (and write them to ``path`` when given).

        `from_toml()` reads the file back to the same `to_dict()`.

        Parameters
        ----------
        path : path, optional
            File to write (UTF-8).

        Returns
        -------
        str
            The TOML document.
        """
        text = toml_dumps(self.to_dict())
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def __repr__(self) -> str:
        return (
            f"Program(criteria={self.criteria!r}, rules={self.rules!r}, "
            f"method={self.method!r}, objective={self.objective!r})"
        )
