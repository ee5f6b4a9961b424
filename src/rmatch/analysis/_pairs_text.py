"""The text of a pairs check: findings, then the objective against the optimum."""

from __future__ import annotations

from typing import Any

OBJECTIVE_WORDS = {
    "total": "total score",
    "coverage": "pairs",
    "fairness": "worst pair's score",
}


def _number(name: str, value: float) -> str:
    return f"{value:.0f}" if name == "coverage" else f"{value:.3f}"


def objective_line(check: Any) -> str:
    """``objective (total score): 7.412; rmatch's optimum 8.100 (optimal): 91.5%``."""
    name = check.objective_name
    words = OBJECTIVE_WORDS.get(name, name)
    head = f"objective ({words}): {_number(name, check.objective)}"
    if check.optimum is None:
        return head + "; rmatch's optimum: none (no matching satisfies the program)"
    status = check.optimum_status
    proven = {
        "optimal": "proven optimal",
        "given": "as given",
    }.get(status, f"{status}, not proven optimal")
    line = f"{head}; rmatch's optimum: {_number(name, check.optimum)} ({proven})"
    gap = check.gap
    if check.ratio is not None:
        line += f": {check.ratio:.1%} of it"
    if gap is not None and gap > 1e-9 * max(1.0, abs(check.optimum)):
        line += f", {_number(name, gap)} below"
    elif gap is not None and gap < -1e-9 * max(1.0, abs(check.optimum)):
        line += f", {_number(name, -gap)} above"
        if not check.ok:
            line += " (only by breaking the program's rules)"
    return line


def summary_text(check: Any) -> str:
    """Every finding, then the objective line."""
    pairs = check.pairs
    scored = int(pairs["status"].isin(["ok", "forbidden"]).sum())
    program = f" under {check.program_name!r}" if check.program_name else ""
    lines = [f"check of {check.name}{program}: {len(pairs)} pairs, {scored} scored"]
    findings = check.findings
    errors = check.errors
    if errors:
        lines.append(f"{errors} problem{'s' if errors != 1 else ''}:")
    else:
        lines.append("nothing broken: every rule, capacity and constraint holds")
    for rec in findings.to_dict(orient="records"):
        tag = "ERROR" if rec["kind"] == "error" else rec["kind"].upper()
        lines.append(f"  {tag:<6} {rec['message']}")
    lines.append(objective_line(check))
    return "\n".join(lines)
