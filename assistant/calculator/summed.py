"""One calculation for a sum of several parts of a clause (categories, added awards, counted tiers).

    summed(first, total, steps, calcs, summary, subject_checks=True, eligible=None) -> Calculation

It is filed under the first rule summed and carries that rule's own calculation's checks and
citation (without its '适用对象' line when the parts name their own subjects).
"""
from __future__ import annotations

from decimal import Decimal

from assistant.records import Calculation
from assistant.rules.model import SubsidyRule


def summed(first: SubsidyRule, total: Decimal, steps: list[str], calcs: list[Calculation], summary: str,
           subject_checks: bool = True, eligible: bool | None = None) -> Calculation:
    base = next((c for c in calcs if c.rule_id == first.rule_id), None)
    checks = list(base.checks) if base else []
    if not subject_checks:
        checks = [c for c in checks if not c.startswith("适用对象")]
    return Calculation(clause_id=first.clause_id, rule_id=first.rule_id, amount_yuan=Decimal(total), steps=steps,
                       checks=checks, citation=base.citation if base else None, eligible=eligible, summary=summary)
