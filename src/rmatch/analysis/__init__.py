"""Analyses of a program and of a matching, above the program's own run.

* `price`: [`price_of_rules()`][rmatch.analysis.price_of_rules], what each rule of a
  program costs in match quality (re-solving without it), and
  [`format_price_table()`][rmatch.analysis.format_price_table];
* `pairs_check`: [`check_pairs()`][rmatch.analysis.check_pairs], the independent
  check of any pairs table (a hand-made matching, last round's, another tool's
  output) under a program: every rule, capacity and constraint it breaks, and its
  objective against rmatch's optimum ([`PairsCheck`][rmatch.analysis.PairsCheck]).
"""

from __future__ import annotations

from rmatch.analysis.pairs_check import PairsCheck, check_pairs
from rmatch.analysis.price import criteria_score, format_price_table, price_of_rules

__all__ = [
    "PairsCheck",
    "check_pairs",
    "criteria_score",
    "format_price_table",
    "price_of_rules",
]
