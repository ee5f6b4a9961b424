"""A program in rounds: plan n rounds without repeated pairs, jointly.

* :func:`plan_rounds` (:mod:`~rmatch.rounds.plan`): one b-matching over all rounds
  (capacities ``n × capacity``, every pair once), split into rounds that each respect
  the capacities; :class:`RoundsPlan` holds one :class:`~rmatch.Matching` per round,
  the per-round table and the gain over planning round by round;
* :func:`split_rounds` (:mod:`~rmatch.rounds.split`): the exact split (bipartite
  edge colouring, König).

A previous round's pairs are read back with :func:`rmatch.read_matching`
(:mod:`rmatch.result.read`). This layer sits above :mod:`rmatch.program`.
"""

from __future__ import annotations

from rmatch.rounds.plan import RoundsPlan, plan_rounds, reverse_pairs
from rmatch.rounds.split import split_rounds

__all__ = ["RoundsPlan", "plan_rounds", "reverse_pairs", "split_rounds"]
