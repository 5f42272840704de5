"""Whether a figure of the profile may stand for what a rule's own words name as its base.

    placed(calc) -> list[(key, need)]        the figures the calculator placed on a need by unit type
    foreign(calc, facts, said) -> set[str]        keys placed on a need that neither their own name nor
                                             what the profile said of them speaks of

The calculator binds an unnamed need to the one figure of its kind (money, count, area); in a
chat the user's question is about that rule, but a profile's figures are about whatever the
owner did, so a purchase invoice must not become "研发费用" nor a total revenue a
"服务外包业务额". A placement stands when the need's telling characters (those not generic
money words) are mostly found in the figure's own name or in the sentence that gave it, and at
least one two-character piece of the need is found there whole; a figure said without a name
('一年卖1800万') needs one of the need's telling characters in its sentence.
"""
from __future__ import annotations

import re

from assistant.records import Calculation

_PLACED = re.compile(r"按您提供的(?P<shown>[^（“]+?)(?:（(?P<key>[^）]+)）)?作为“(?P<need>[^”]+)”计算")
# characters every money or count name shares: they tell nothing about what the figure is
GENERIC = set("额费用金资总年数量的其该增速率比占款价收入值度当实际单家企业每")
SHARE = 2 / 3  # of the need's telling characters that must be found in the figure's name or sentence


def placed(calc: Calculation | None) -> list[tuple[str, str]]:
    out = []
    for step in (calc.steps if calc else []):
        m = _PLACED.search(step)
        if m:
            out.append((m.group("key") or "", m.group("need")))
    return out


def speaks_of(need: str, key: str, said: str) -> bool:
    """The figure named ``key``, given in the sentence ``said``, is what ``need`` names."""
    if key and (key == need or key in need or need in key):
        return True
    telling = [c for c in dict.fromkeys(need) if c not in GENERIC and "\u4e00" <= c <= "\u9fff"]
    if not telling:
        return True  # the need names nothing particular ('金额'): any figure of its kind
    where = key + "|" + said
    found = sum(c in where for c in telling)
    if not key:  # an unlabelled figure ('直播间一年卖600万') is in the owner's own words: one telling character
        return found > 0
    pieces = [need[i:i + 2] for i in range(len(need) - 1)
              if need[i] not in GENERIC and need[i + 1] not in GENERIC]
    return found >= SHARE * len(telling) and (not pieces or any(p in where for p in pieces))


def foreign(calc: Calculation | None, facts: dict, said: str) -> set[str]:
    """Keys of ``facts`` placed on a need the profile did not speak of (to be asked instead);
    an unlabelled figure ('金额…') is shown without its key and judged by its sentence alone."""
    out: set[str] = set()
    for key, need in placed(calc):
        if not speaks_of(need, key, said):
            out |= {key} if key else {k for k in facts if str(k).startswith("金额")}
    return out
