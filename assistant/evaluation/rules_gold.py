"""Scoring rule extraction against the hand-labelled gold file (eval/rules_gold.jsonl).

    score(documents, gold_path) -> GoldScore   (precision, recall, per-rule differences)

Each gold line names a clause by ``doc_id`` + a verbatim ``snippet`` and lists the rules
a careful reader finds in it, each located by its own verbatim ``snippet``; a line with
no rules marks text that must yield none (targets, fund sizes, benefits without a
figure). Figures are written as in the documents ("50万元", "5%", "300家") and read
with the same exact parser. A rule counts as correct only when every field matches.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from assistant.rules.model import SubsidyRule
from assistant.rules.catalog import extract_rules, stacking_principle
from assistant.lexicon.numbers import parse_quantity, plain

GOLD = Path("eval") / "rules_gold.jsonl"  # the repo's hand-labelled rules, relative to the checkout


def load_gold(path: Path = GOLD) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _q(text):
    return None if text in (None, "") else parse_quantity(text).value


def expected_fields(g: dict) -> dict:
    """A gold rule → the comparable fields (defaults for the ones it leaves out)."""
    return {
        "kind": g["kind"], "amount": _q(g.get("amount")), "up_to": g.get("up_to", False),
        "at_least": g.get("at_least", False), "rate": _q(g.get("rate")), "rate_up_to": g.get("rate_up_to", False),
        "cap": _q(g.get("cap")), "base": g.get("base", ""), "per_unit": g.get("per_unit", ""),
        "tier_fact": g.get("tier_fact", ""), "max_repeats": g.get("max_repeats"),
        "currency": g.get("currency", "元"), "stacking": g.get("stacking", ""),
        "levels": [(lv["name"], _q(lv["amount"])) for lv in g.get("levels", [])],
        "tiers": [(_q(t.get("low")), t.get("low_inclusive") if t.get("low") else None, _q(t.get("high")),
                   t.get("high_inclusive") if t.get("high") else None, _q(t.get("rate")), _q(t.get("amount")),
                   _q(t.get("extra_rate")), _q(t.get("cap"))) for t in g.get("tiers", [])],
        "thresholds": sorted((t["fact"], t["op"], plain(_q(t["value"])), parse_quantity(t["value"]).unit)
                             for t in g.get("thresholds", [])),
    }


def actual_fields(r: SubsidyRule) -> dict:
    base = r.base if r.needs_base or r.kind in ("rate", "permille", "tiered") else ""
    return {
        "kind": r.kind, "amount": None if r.levels else r.amount, "up_to": r.up_to, "at_least": r.at_least,
        "rate": r.rate, "rate_up_to": r.rate_up_to, "cap": r.cap, "base": base, "per_unit": r.per_unit,
        "tier_fact": r.tier_fact, "max_repeats": r.max_repeats, "currency": r.currency, "stacking": r.stacking,
        "levels": [(lv.name, lv.amount) for lv in r.levels],
        "tiers": [(t.low, t.low_inclusive if t.low is not None else None, t.high,
                   t.high_inclusive if t.high is not None else None, t.rate, t.amount, t.extra_rate, t.cap)
                  for t in r.tiers],
        "thresholds": sorted((t.fact, t.op, plain(t.value), t.unit) for t in r.thresholds),
    }


def differences(g: dict, r: SubsidyRule) -> list[str]:
    exp, act = expected_fields(g), actual_fields(r)
    diffs = []
    for key, want in exp.items():
        got = act[key]
        if key == "levels":
            same = len(want) == len(got) and all(
                wa == ga and wn.replace("“", "").replace("”", "") in gn for (wn, wa), (gn, ga) in zip(want, got))
        else:
            same = want == got
        if not same:
            diffs.append(f"{key}: expected {want!r}, got {got!r}")
    return diffs


@dataclass
class GoldScore:
    gold_rules: int = 0
    extracted: int = 0
    exact: int = 0  # gold rules extracted with every field right
    located: int = 0  # gold rules for which a rule covering the snippet exists
    correct: set = field(default_factory=set)  # ids of extracted rules that equal a gold rule
    false_positives: list[str] = field(default_factory=list)  # extracted rules matching no gold rule
    misses: list[str] = field(default_factory=list)  # gold rules not extracted exactly, with why

    @property
    def precision(self) -> float:
        return len(self.correct) / self.extracted if self.extracted else 0.0

    @property
    def recall(self) -> float:
        return self.exact / self.gold_rules if self.gold_rules else 0.0


def score(documents: dict, gold: list[dict] | None = None, split=None) -> GoldScore:
    """documents: doc_id → Document (the shipped corpus). split: clause splitter
    (default ``index.clauses.split_clauses``)."""
    if split is None:
        from index.ingest.clauses import split_clauses as split
    gold = load_gold() if gold is None else gold
    result = GoldScore()
    gold_docs = {g["doc_id"] for g in gold}
    matched: set[str] = set()
    for doc_id in sorted(gold_docs):
        doc = documents[doc_id]
        stacking = stacking_principle(doc.text)
        rules = [r for c in split(doc) for r in extract_rules(c, stacking)]
        result.extracted += len(rules)
        for entry in (g for g in gold if g["doc_id"] == doc_id):
            at = doc.text.find(entry["snippet"])
            if at < 0:
                raise ValueError(f"gold snippet not in {doc_id}: {entry['snippet']!r}")
            if not entry["rules"]:
                for r in rules:
                    if r.start < at + len(entry["snippet"]) and at < r.end:
                        result.false_positives.append(f"{r.rule_id}: rule from non-benefit text {entry['snippet']!r}")
                        matched.add(r.rule_id)
                continue
            for g in entry["rules"]:
                result.gold_rules += 1
                where = _find_near(doc.text, g["snippet"], at)
                cands = [r for r in rules if r.start <= where and where + len(g["snippet"]) <= r.end] if where >= 0 else []
                if not cands:
                    result.misses.append(f"{doc_id} {g['snippet']!r}: not extracted")
                    continue
                result.located += 1
                best = min(cands, key=lambda r: len(differences(g, r)))
                matched.add(best.rule_id)
                diffs = differences(g, best)
                if diffs:
                    result.misses.append(f"{best.rule_id} {g['snippet']!r}: " + "; ".join(diffs))
                else:
                    result.exact += 1
                    result.correct.add(best.rule_id)
        result.false_positives += [f"{r.rule_id}: not in the gold file ({r.text[:40]})"
                                   for r in rules if r.rule_id not in matched]
    return result


def _find_near(text: str, snippet: str, anchor: int) -> int:
    """The occurrence of snippet closest to the clause anchor (snippets may repeat in a document)."""
    hits, i = [], text.find(snippet)
    while i >= 0:
        hits.append(i)
        i = text.find(snippet, i + 1)
    return min(hits, key=lambda h: abs(h - anchor)) if hits else -1
