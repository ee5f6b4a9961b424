"""A program in rounds: plan n rounds without repeated pairs, jointly.

* `plan_rounds()` (`plan`): one b-matching over all rounds
  (capacities ``n × capacity``, every pair once), split into rounds that each respect
  the capacities; `RoundsPlan` holds one [`Matching`][rmatch.result.Matching] per round,
  the per-round table and the gain over planning round by round;
* `split_rounds()` (`split`): the exact split (bipartite
  edge colouring, König).

A previous round's pairs are read back with
[`rmatch.read_matching()`][rmatch.result.read_matching] (`rmatch.result.read`). This
layer sits above [`rmatch.program`][rmatch.program].
"""

from __future__ import annotations

from rmatch.rounds.plan import RoundsPlan, plan_rounds, reverse_pairs
from rmatch.rounds.split import split_rounds

__all__ = ["RoundsPlan", "plan_rounds", "reverse_pairs", "split_rounds"]
