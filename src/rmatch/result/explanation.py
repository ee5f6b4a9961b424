"""Explanation: why a person got their partner(s), or nobody, as data and text."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from rmatch.result.export import to_json_safe

__all__ = ["Explanation", "ordinal"]


def ordinal(n: int) -> str:
    """Return ``n`` as an English ordinal.

    Parameters
    ----------
    n : int

    Returns
    -------
    str

    Examples
    --------
    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 102, 111)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '102nd', '111th']
    """
    suffix = (
        "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    )
    return f"{n}{suffix}"


@dataclass(frozen=True)
class Explanation:
    """Why a person got their partner(s), or why nobody (``print(...)`` for text)."""

    person_id: str
    name: str
    role: str
    status: str
    pairs: list[dict[str, Any]]
    reason: str | None
    rules: dict[str, int]
    candidates: int

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        out: dict[str, Any] = to_json_safe(asdict(self))
        return out

    def __str__(self) -> str:
        head = f"{self.name} ({self.person_id}), {self.role}: {self.status}"
        lines = [head]
        for p in self.pairs:
            lines.append(
                f"  {p['partner_role']} {p['partner_name']} ({p['partner_id']}): "
                f"score {p['score']:.3f}, {p['rank_text']}"
            )
            for c in p["criteria"]:
                value = "  n/a" if c["value"] is None else f"{c['value']:.2f}"
                lines.append(
                    f"    {c['criterion']:<12} {value}  weight {c['weight']:g}"
                    f"  {c['text']}" + (f" — {c['detail']}" if c["detail"] else "")
                )
            if p.get("better"):
                lines.append(f"    note: {p['better']}")
        if self.reason:
            lines.append(f"  reason: {self.reason}")
        lines.append(f"  allowed candidates: {self.candidates}")
        for title, count in self.rules.items():
            lines.append(f"  rule '{title}' removed {count} candidate(s)")
        return "\n".join(lines)
