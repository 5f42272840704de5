"""政策匹配: an enterprise profile → the clauses of its region that may apply.

    match_profile(kb, profile, as_of, limit=12) -> MatchResult

Regions come from the documents' own metadata (``Coverage``): the place the profile names,
a county through its city, a development zone together with its city; a plain city does
not reach into a zone inside it. Candidates are the clauses retrieval finds for each thing
the profile says (an activity, a level held, the question); each is checked by the
calculator against the facts that go with it, so every condition is met / not met /
unknown (to ask) and the amount is given only where the figures settle it. Nothing here
names a document, a region or a clause: it works on any corpus.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from assistant.answer.citations import key_span, make_citation, verify
from assistant.calculator.select import calculate_for
from assistant.errors import QuoteMismatchError
from assistant.lexicon.places import CITIES, region_core
from assistant.match.guard import foreign
from assistant.match.profile import Profile
from assistant.match.reading import grants, names_level, names_subject
from assistant.records import Calculation, Citation, format_wan
from assistant.rules.catalog import rules_for
from assistant.answer import scope as scope_mod
from index.records import EXPIRED

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
STATUS_ZH = {MET: "符合", NOT_MET: "不符合", UNKNOWN: "待确认"}
PER_ASK = 3  # clauses kept per thing the profile says
RUNNER_UP = 0.9  # of a query's best score, for a runner-up the calculator cannot judge
MIN_SHARE = 0.34  # of a query's best score, for a runner-up to be kept


@dataclass
class Condition:
    text: str
    status: str  # met / not_met / unknown

    def to_dict(self) -> dict:
        return {"text": self.text, "status": self.status, "status_zh": STATUS_ZH[self.status]}


@dataclass
class Match:
    clause_id: str
    doc_id: str
    region: str
    topic: str  # the clause's heading path, for grouping
    citation: Citation
    validity: str
    expired: bool
    status: str  # met (amount or benefit settled) / unknown (facts to ask) / not_met
    amount_yuan: Decimal | None = None
    summary: str = ""
    formula: list[str] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    potential_yuan: Decimal | None = None  # the most the clause's rule can give (to rank what to ask)
    score: float = 0.0
    because: str = ""  # which part of the profile found it
    ruled: bool = True  # the calculator read a rule from the clause (else a benefit without a sum)

    def to_dict(self) -> dict:
        return {
            "clause_id": self.clause_id, "doc_id": self.doc_id, "region": self.region, "topic": self.topic,
            "citation": self.citation.to_dict(), "validity": self.validity, "expired": self.expired,
            "status": self.status, "status_zh": STATUS_ZH[self.status],
            "amount_yuan": None if self.amount_yuan is None else str(self.amount_yuan),
            "amount_wan": None if self.amount_yuan is None else format_wan(self.amount_yuan),
            "summary": self.summary, "formula": list(self.formula),
            "conditions": [c.to_dict() for c in self.conditions], "missing": list(self.missing),
            "because": self.because,
        }


@dataclass
class MatchResult:
    profile: Profile
    as_of: str
    regions: list[str] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)  # documents in force (or not stating a date)
    expired: list[Match] = field(default_factory=list)  # expired documents: for reference only
    ask: list[str] = field(default_factory=list)  # the facts that would settle the most money
    note: str = ""

    def to_dict(self) -> dict:
        return {"as_of": self.as_of, "regions": list(self.regions), "uncovered": list(self.uncovered),
                "matches": [m.to_dict() for m in self.matches], "expired": [m.to_dict() for m in self.expired],
                "ask": list(self.ask), "note": self.note}


def profile_regions(kb, coverage, profile: Profile) -> tuple[list[str], list[str]]:
    """(document regions the profile is in, places it names that no document covers)."""
    text = "，".join(x for x in [profile.region, profile.question, *profile.activities] if x)
    if profile.region:
        text = profile.region  # where the enterprise is, when said, decides
    sc = scope_mod.check_question(text, coverage)
    all_regions = {d.region for d in kb.documents.values() if d.region}
    out: set[str] = set()
    for mention, regions in sc.regions.items():
        named = CITIES.get(mention) if mention not in coverage.keys and CITIES.get(mention) in coverage.keys else mention
        chosen = coverage.primary(named, regions if named == mention else None)
        out |= chosen
        for r in list(chosen):  # a zone's enterprise is also its city's
            out |= {c for c in all_regions
                    if c != r and region_core(c) and len(region_core(c)) < len(region_core(r))
                    and region_core(r).startswith(region_core(c))}
    uncovered = [] if out else list(sc.uncovered)
    return sorted(out), uncovered


def _potential(rules) -> Decimal | None:
    best = None
    for r in rules:
        for v in [r.amount, r.cap, *(lv.amount for lv in r.levels), *(t.amount for t in r.tiers),
                  *(t.cap for t in r.tiers)]:
            if v is not None and (best is None or v > best):
                best = v
    return best


def _conditions(calc: Calculation | None) -> list[Condition]:
    out: list[Condition] = []
    for x in (calc.checks if calc else []):
        if x.startswith("✓"):
            out.append(Condition(x.lstrip("✓ "), MET))
        elif x.startswith("✗"):
            out.append(Condition(x.lstrip("✗ "), NOT_MET))
        elif x.startswith("？"):
            out.append(Condition(x.lstrip("？ "), UNKNOWN))
        elif x.startswith("适用对象："):
            out.append(Condition(x, UNKNOWN))
    return out


def _best(calcs: list[Calculation]) -> Calculation | None:
    """The rule this part of the profile speaks to: ``calculate_for`` puts the rules that use
    the facts given, and whose subject the query names, first."""
    return calcs[0] if calcs else None


def _judge(kb, sc, query: str, facts: dict, as_of: dt.date, because: str) -> Match | None:
    clause = sc.clause
    doc = kb.documents[clause.doc_id]
    rules = rules_for(kb).get(clause.clause_id, [])
    calc = _best(calculate_for(clause, facts, kb, as_of, question=query)) if rules else None
    for _ in range(len(facts)):  # a figure placed on a base the profile did not speak of is asked for
        wrong = foreign(calc, facts, query)
        if not wrong:
            break
        facts = {k: v for k, v in facts.items() if k not in wrong}
        calc = _best(calculate_for(clause, facts, kb, as_of, question=query))
    try:
        if calc is not None and calc.citation is not None and verify(kb, calc.citation):
            cite = calc.citation
        else:
            s, e = key_span(clause, query)
            cite = make_citation(kb, clause, s, e, as_of=as_of)
    except QuoteMismatchError:
        return None
    expired = doc.validity(as_of) == EXPIRED
    m = Match(clause_id=clause.clause_id, doc_id=doc.doc_id, region=doc.region or "",
              topic=" / ".join(clause.path[:-1]) if len(clause.path) > 1 else clause.display_path,
              citation=cite, validity=doc.validity(as_of), expired=expired, status=UNKNOWN,
              potential_yuan=_potential(rules), score=sc.score, because=because)
    if calc is None:
        if not grants(cite.quote):
            return None  # a target, a list of offices, a date of effect: nothing to apply for
        m.ruled = False
        m.summary = "政策支持条款（原文未规定具体金额），请对照原文准备申报"
        return m
    m.conditions = _conditions(calc)
    m.summary = calc.summary
    m.missing = list(calc.missing_facts)
    rule = next((r for r in rules if r.rule_id == calc.rule_id), None)
    if rule is not None and rule.kind in NOT_CASH:  # a deduction or a loan ceiling is not money paid
        m.formula = [] if calc.missing_facts else list(calc.steps)
        m.potential_yuan = None
        return m
    if calc.eligible is False:
        m.status, m.amount_yuan = NOT_MET, Decimal(0)
    elif calc.amount_yuan is not None and not calc.missing_facts and _settled(calc, query):
        m.status, m.amount_yuan, m.formula = MET, calc.amount_yuan, list(calc.steps)
    elif calc.amount_yuan is not None and not calc.missing_facts:
        m.conditions.append(Condition("您的情况是否属于本条适用对象（资料中未写明）", UNKNOWN))
    return m


NOT_CASH = ("tax_deduction", "tax_rate", "loan")


_CHECKED = re.compile(r"^✓ (?P<name>[^0-9：:“]+)")
_LEVEL = "✓ 级别："


def _settled(calc: Calculation, query: str) -> bool:
    """The profile settles the amount when it names whom the rule is for: the named level
    ('省级智能工厂' — not the bare '省级' of another award), or the subject in its own words
    (one telling piece of it when a figure of the profile was checked against the rule's
    threshold or band, most of it otherwise). A figure checked for a rule about someone else
    (an investment against a platform's threshold) settles nothing."""
    subject = next((x[len("适用对象："):] for x in calc.checks if x.startswith("适用对象：")), "")
    levels = [x[len(_LEVEL):] for x in calc.checks if x.startswith(_LEVEL)]
    named = [names_level(name, query) for name in levels]
    if any(n is not None for n in named):
        return any(named)
    checked = [m.group("name") for x in calc.checks if not x.startswith(_LEVEL) and (m := _CHECKED.match(x))]
    return names_subject(subject, query, checked) and (bool(checked) or bool(subject))


def match_profile(kb, profile: Profile | dict, as_of: dt.date, limit: int = 12, coverage=None) -> MatchResult:
    """Profile → matched clauses, best first; expired documents separated."""
    if isinstance(profile, dict):
        profile = Profile.from_dict(profile)
    if coverage is None:
        from assistant.lexicon.places import Coverage

        coverage = Coverage.from_kb(kb)
    result = MatchResult(profile=profile, as_of=as_of.isoformat())
    regions, uncovered = profile_regions(kb, coverage, profile)
    result.regions, result.uncovered = regions, uncovered
    if not regions:
        result.note = ("已收录文件中没有" + "、".join(uncovered) + "的政策。" if uncovered
                       else "请说明企业所在地区（如城市或开发区），才能匹配当地政策。")
        return result
    allowed = {d.doc_id for d in kb.documents.values() if d.region in regions}
    found: dict[tuple[str, int], Match] = {}
    asks = profile.asks()
    for query, facts in asks:
        hits = [h for h in kb.search(query, k=40) if h.clause.doc_id in allowed]
        if not hits:
            continue
        top = hits[0].score or 1.0
        kept = 0
        # who the enterprise is, beside what it did or holds, adds its closest clause and the
        # amounts its figures settle, not every clause about its trade
        generic = profile.is_generic_ask(query) and len(asks) > 1
        for h in hits:
            if kept >= PER_ASK or (kept and h.score < top * MIN_SHARE):
                break
            m = _judge(kb, h, query, facts, as_of, because=query)
            if m is None:
                continue
            if kept and m.status == UNKNOWN and h.score < top * RUNNER_UP:
                continue
            if kept and generic and m.status != MET:
                continue  # a runner-up is kept when the calculator could judge it, or it is close
            kept += 1
            key = (m.clause_id, m.citation.start)  # one clause may grant several things
            old = found.get(key)
            if old is None or _rank(m) < _rank(old):
                m.score = max(m.score, old.score if old else 0.0)
                found[key] = m
    # one clause quoted twice: a sentence without a sum adds nothing to another of the same clause
    ruled = {m.clause_id for m in found.values() if m.ruled}
    kept_ids: set[str] = set()
    unique = []
    for m in sorted(found.values(), key=_rank):
        if not m.ruled and (m.clause_id in ruled or m.clause_id in kept_ids):
            continue
        kept_ids.add(m.clause_id)
        unique.append(m)
    ordered = unique
    result.matches = [m for m in ordered if not m.expired][:limit]
    result.expired = [m for m in ordered if m.expired][:limit]
    result.ask = settle_most(result.matches)
    return result


def _rank(m: Match):
    """Most likely money first: a settled amount (largest first), then what facts could
    settle (by the most the rule can give), then benefits without a sum, then not met."""
    order = {MET: 0, UNKNOWN: 1, NOT_MET: 3}[m.status]
    if m.status == UNKNOWN and m.potential_yuan is None:
        order = 2
    money = m.amount_yuan if m.status == MET and m.amount_yuan is not None else (m.potential_yuan or Decimal(0))
    return (order, -money, -m.score)


def settle_most(matches: list[Match], n: int = 2) -> list[str]:
    """The one or two facts that, once given, settle the most money across the matches."""
    weight: dict[str, Decimal] = {}
    for m in matches:
        if m.status != UNKNOWN:
            continue
        for fact in m.missing:
            weight[fact] = weight.get(fact, Decimal(0)) + (m.potential_yuan or Decimal(0))
    return [f for f, _ in sorted(weight.items(), key=lambda kv: -kv[1])][:n]
