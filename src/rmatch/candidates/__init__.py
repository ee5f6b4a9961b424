"""Build the candidate graph: score blocks, apply rules as masks, keep the best pairs.

Mentors (left nodes) are scored against mentees (right nodes) a block at a time: the
criteria give a score in ``[0, 1]`` per pair, the rules remove forbidden pairs, and
the allowed pairs are kept — all of them by default, or only the best ``top_k`` per
mentor and per mentee. Memory is bounded by the block size and ``top_k``, never by
mentors × mentees.

How it stays fast at a million employees
----------------------------------------
* **Exact float32 kernels.** Each criterion may hand the builder a vectorized kernel
  ([`rmatch.scoring.Criterion.kernel()`][rmatch.scoring.Criterion.kernel]). The built-in
  ones are matrix products of small *integer* features (skill levels one-hot against
  ``60 * min(o, w) / w``, slot counts, set memberships), so every product is exact
  in float32 and the result does not depend on the block shape or on the machine
  that computed it. Criteria without a kernel run through their own ``score``.
* **Pruning plans.** Each rule may hand the builder a plan
  ([`rmatch.rules.Rule.plan()`][rmatch.rules.Rule.plan]): a list of forbidden pairs, a
  table of per-person keys, or shared free hours. Rules without a plan run through their
  own ``allowed``.
* **Blocking on hard rules.** When a plan allows it (a least number of shared free
  hours above 0), two people can only pair if they share a free slot, so the week
  is cut into hours and only mentors × mentees free in the same hour are scored; a
  pair is scored once, in the hour of its first shared slot. Pairs that share no
  slot are never scored, but they are still counted against the right rule (rules
  before it are counted from their key tables and pair lists).
* **Selection by thresholds, not by sorting blocks.** Each person keeps a running
  lower bound on their ``k``-th best score; a block raises it with the ``k``-th best
  of a few ``k`` group maxima of the person's line in the block (the block folded in
  halves by elementwise maxima: no sort, no partition of the whole block) and only
  hands over the pairs that reach the bound of either end. Each job keeps its own
  top ``k`` and, once done, raises the shared bounds with its ``k``-th best scores;
  the per-person top ``k`` is recomputed now and then from the survivors with a
  single integer sort. Ties are broken by the partner's position, so the result is
  the exact top ``k`` whatever the block order, the number of threads or the Dask
  cluster.

For every person the builder records ``theta``, an upper bound on the score of any
allowed partner that is not an edge; [`rmatch.certify`][rmatch.certify] uses it to
certify a matching.

Engine API
----------
Shared by [`build_candidates()`][rmatch.candidates.build_candidates] and
[`rmatch.distributed`][rmatch.distributed]: [`prepare()`][rmatch.candidates.prepare] (a
[`Scorer`][rmatch.candidates.Scorer] and its [`Job`][rmatch.candidates.Job] list),
[`run_job()`][rmatch.candidates.run_job] (one job's
[`BlockOutput`][rmatch.candidates.BlockOutput]),
[`Collector`][rmatch.candidates.Collector] (running top ``k``; its
[`State`][rmatch.candidates.State] is what a remote task returns),
[`finish()`][rmatch.candidates.finish] (the
[`CandidateSet`][rmatch.candidates.CandidateSet]),
[`iter_jobs()`][rmatch.candidates.iter_jobs] and
[`single_blas_thread()`][rmatch.candidates.single_blas_thread].
"""

from rmatch.candidates._blocks import (
    BLOCK_TARGET,
    BlockData,
    BlockOutput,
    GenericKernel,
    Job,
)
from rmatch.candidates._build import (
    Progress,
    build_candidates,
    finish,
    iter_jobs,
    prepare,
    single_blas_thread,
)
from rmatch.candidates._engine import Collector, State, run_job
from rmatch.candidates._result import CandidateSet, Certificate, describe_candidates
from rmatch.candidates._scorer import Scorer
from rmatch.candidates._select import select_top_k

__all__ = [
    "BLOCK_TARGET",
    "BlockData",
    "BlockOutput",
    "CandidateSet",
    "Certificate",
    "Collector",
    "GenericKernel",
    "Job",
    "Progress",
    "Scorer",
    "State",
    "build_candidates",
    "describe_candidates",
    "finish",
    "iter_jobs",
    "prepare",
    "run_job",
    "select_top_k",
    "single_blas_thread",
]
