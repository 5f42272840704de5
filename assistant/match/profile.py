"""An enterprise profile (every field optional) and what it says, read the way a question is.

    Profile.from_dict(d) -> Profile        InputError (with a Chinese ``.zh``) on bad fields
    profile.text() -> str                  all of it as one owner's sentence (for places)
    profile.asks() -> list[(query, facts)] one retrieval query per thing the owner did or holds

Figures are read by ``question.facts.extract_facts`` from sentences built out of the fields
("营业收入5000万元，增长18%"), so a profile and a chat question give the same facts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from assistant.question.facts import extract_facts
from index.errors import InputError

FIELDS = ("region", "industry", "size", "revenue_wan", "revenue_growth_pct", "investment_wan",
          "levels_held", "activities", "question")


def _number(name: str, value) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise InputError(f"profile field {name} must be a number", zh=f"“{name}”应为数字")
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation:
        raise InputError(f"profile field {name} must be a number, got {value!r}", zh=f"“{name}”应为数字") from None
    if not d.is_finite() or d < 0:
        raise InputError(f"profile field {name} must be a non-negative number", zh=f"“{name}”不能为负数")
    return d


def _texts(name: str, value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [v for v in value.replace("；", "\n").replace(";", "\n").split("\n")]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise InputError(f"profile field {name} must be a list of text", zh=f"“{name}”应为文字列表")
    return [v.strip() for v in value if v.strip()]


@dataclass
class Profile:
    region: str = ""
    industry: str = ""
    size: str = ""
    revenue_wan: Decimal | None = None
    revenue_growth_pct: Decimal | None = None
    investment_wan: Decimal | None = None
    levels_held: list[str] = field(default_factory=list)
    activities: list[str] = field(default_factory=list)
    question: str = ""

    @classmethod
    def from_dict(cls, d: dict | None) -> "Profile":
        d = dict(d or {})
        unknown = sorted(set(d) - set(FIELDS))
        if unknown:
            raise InputError(f"unknown profile fields: {', '.join(unknown)} (known: {', '.join(FIELDS)})",
                             zh=f"无法识别的字段：{'、'.join(unknown)}")
        for name in ("region", "industry", "size", "question"):
            if d.get(name) is not None and not isinstance(d[name], str):
                raise InputError(f"profile field {name} must be text", zh=f"“{name}”应为文字")
        return cls(region=(d.get("region") or "").strip(), industry=(d.get("industry") or "").strip(),
                   size=(d.get("size") or "").strip(), revenue_wan=_number("revenue_wan", d.get("revenue_wan")),
                   revenue_growth_pct=_number("revenue_growth_pct", d.get("revenue_growth_pct")),
                   investment_wan=_number("investment_wan", d.get("investment_wan")),
                   levels_held=_texts("levels_held", d.get("levels_held")),
                   activities=_texts("activities", d.get("activities")),
                   question=(d.get("question") or "").strip())

    def is_empty(self) -> bool:
        return not (self.region or self.industry or self.size or self.levels_held or self.activities
                    or self.question or self.revenue_wan is not None or self.investment_wan is not None)

    def figures_text(self) -> str:
        """The profile's own figures as an owner would say them."""
        out = []
        if self.revenue_wan is not None:
            out.append(f"营业收入{self.revenue_wan}万元")
        if self.revenue_growth_pct is not None:
            out.append(f"营业收入增长{self.revenue_growth_pct}%")
        if self.investment_wan is not None:
            out.append(f"投资{self.investment_wan}万元")
        return "，".join(out)

    def base_facts(self) -> dict:
        return dict(extract_facts(self.figures_text()) or {})

    def text(self) -> str:
        return "，".join(x for x in [self.region, self.size, self.industry, *self.levels_held, *self.activities,
                                     self.question] if x)

    def is_generic_ask(self, query: str) -> bool:
        """The ask made of who the enterprise is alone (size, industry), not of what it did."""
        who = "".join(x for x in [self.size, self.industry] if x)
        return bool(who) and query in (f"{who}企业扶持奖励补助", f"{who}企业扶持")

    def asks(self) -> list[tuple[str, dict]]:
        """(retrieval query, the facts that go with it): one per activity, level held and the
        question; an activity's own figures stay with it (800万 for a platform is not the
        investment in a warehouse)."""
        base = self.base_facts()
        who = "".join(x for x in [self.size, self.industry] if x)
        out: list[tuple[str, dict]] = []
        for act in self.activities:
            out.append((f"{who}{act}", {**base, **(extract_facts(act) or {})}))
        for level in self.levels_held:
            out.append((f"{who}获评{level}", {**base, **(extract_facts(level) or {})}))
        if self.question:
            out.append((self.question, {**base, **(extract_facts(self.question) or {})}))
        if who and not out:
            out.append((f"{who}企业扶持奖励补助", base))
        elif who:
            out.append((f"{who}企业扶持", base))
        if self.investment_wan is not None and not any("投资" in a for a in self.activities):
            out.append((f"{who}投资{self.investment_wan}万元建设项目", base))
        return out
