"""政策匹配 evaluation over ``eval/matching/profiles.jsonl`` (format: eval/matching/README.md).

    evaluate_matching(kb, rows, as_of, limit) -> dict   per-profile results and totals

A listed clause counts for an expected item when it is in the same document and contains the
item's snippet (whitespace removed). Reported: recall of expected clauses, precision of the
listed clauses (listed ones that are expected / all listed), not_expected clauses listed,
regions without documents answered with nothing, and exact amounts (the amount the matcher
settles equals the hand-worked one; 0 = not met).
"""
from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

from assistant.match.match import match_profile


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s or "")


def load_profiles(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def _find(listed, kb, item):
    snippet = _norm(item["clause"])
    for m in listed:  # the match whose quoted sentence holds the snippet, else one of its clause
        if m.doc_id == item["doc"] and snippet in _norm(m.citation.quote):
            return m
    for m in listed:
        if m.doc_id == item["doc"] and snippet in _norm(kb.clauses[m.clause_id].text):
            return m
    return None


def evaluate_matching(kb, rows: list[dict], as_of, limit: int = 12) -> dict:
    per, tp, listed_n, exp_n, bad_n = [], 0, 0, 0, 0
    amounts_total = amounts_exact = 0
    empty_ok = empty_n = 0
    for r in rows:
        profile = dict(r.get("profile") or {})
        if r.get("question"):
            profile["question"] = r["question"]
        res = match_profile(kb, profile, as_of, limit=limit)
        listed = res.matches + res.expired
        hits, misses, amount_rows = 0, [], []
        for item in r["expected"]:
            m = _find(listed, kb, item)
            if m is None:
                misses.append(item["clause"])
            else:
                hits += 1
            if "amount_yuan" in item:
                amounts_total += 1
                got = None if m is None or m.amount_yuan is None else m.amount_yuan
                ok = got is not None and got == Decimal(item["amount_yuan"])
                amounts_exact += ok
                amount_rows.append({"clause": item["clause"], "want": item["amount_yuan"],
                                    "got": None if got is None else str(got), "ok": ok})
        expected_ids = {m.clause_id for item in r["expected"] if (m := _find(listed, kb, item))}
        shown = [{"clause_id": m.clause_id, "status": m.status, "expected": m.clause_id in expected_ids,
                  "amount_yuan": None if m.amount_yuan is None else str(m.amount_yuan), "score": round(m.score, 4)}
                 for m in listed]
        bad = [item["clause"] for item in r["not_expected"] if _find(listed, kb, item)]
        if not r["expected"]:
            empty_n += 1
            empty_ok += not listed
        tp += len(expected_ids)
        listed_n += len(listed)
        exp_n += len(r["expected"])
        bad_n += len(bad)
        per.append({"id": r["id"], "listed": len(listed), "expected": len(r["expected"]), "found": hits,
                    "missed": misses, "not_expected_listed": bad, "amounts": amount_rows,
                    "regions": res.regions, "listed_items": shown})
    recall = hits_total = sum(p["found"] for p in per)
    return {
        "profiles": len(rows),
        "recall": round(hits_total / exp_n, 4) if exp_n else None,
        "precision": round(tp / listed_n, 4) if listed_n else None,
        "listed": listed_n, "expected": exp_n, "found": recall,
        "not_expected_listed": bad_n,
        "uncovered_profiles_empty": f"{empty_ok}/{empty_n}",
        "amounts_exact": amounts_exact, "amounts_total": amounts_total,
        "amount_accuracy": round(amounts_exact / amounts_total, 4) if amounts_total else None,
        "per_profile": per,
    }
