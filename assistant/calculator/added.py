"""An award granted on top of another of the same sentence, asked as a total.

    added_total(rules, question, calcs) -> Calculation | None

'首次入选的，最高奖励30万元，晋级的最高再奖励50万元' asked as '入选以后又晋级了，一共
能拿多少': the sentence adds the second award to the first ('再补助', '另给予'), and the question names
both, in the rules' own words — the sum is one calculation. Anything else is left to the rules one
by one.
"""
from __future__ import annotations

import re

from assistant.lexicon.numbers import format_money
from assistant.calculator.summed import summed
from assistant.records import Calculation
from assistant.rules.model import SubsidyRule

_AGAIN = r"(?:再|另行|另|追加)(?:给予|补助|奖励|奖补|补贴|资助)"
_TOTAL = re.compile(r"加起来|一共|总共|合计|累计|共能|共可|总计")
_GENERIC = {"企业", "单位", "项目", "成功", "首次", "给予", "最高", "的最"}


def _named(subject: str, question: str) -> bool:
    grams = {subject[i:i + 2] for i in range(len(subject) - 1)} - _GENERIC
    return sum(g in question for g in grams) >= 2


def added_total(rules: list[SubsidyRule], question: str, calcs: list[Calculation]) -> Calculation | None:
    """The first award plus the one the same sentence adds to it, when the question asks for the
    total and names both; None otherwise."""
    if not _TOTAL.search(question or ""):
        return None
    for first, added in zip(rules, rules[1:]):
        if (first.kind != "fixed" or added.kind != "fixed" or first.amount is None or added.amount is None
                or first.levels or added.levels or first.start != added.start or not added.subject
                or not re.search(rf"{re.escape(added.subject)}[^，,；;。]{{0,6}}?{_AGAIN}", added.text)
                or not (_named(first.subject, question) and _named(added.subject, question))):
            continue
        total = first.amount + added.amount
        most = "最高" if first.up_to or added.up_to else ""
        steps = [f"{first.subject}：{most if first.up_to else ''}{format_money(first.amount)}",
                 f"{added.subject}：{most if added.up_to else ''}再给予{format_money(added.amount)}",
                 f"合计：{format_money(first.amount)} + {format_money(added.amount)} = {format_money(total)}"]
        return summed(first, total, steps, calcs, f"两项合计{most}可获{first.benefit or '补助'}{format_money(total)}",
                      subject_checks=False, eligible=True)
    return None
