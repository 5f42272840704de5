"""Check holdout3.jsonl against the shipped corpus, without touching the pipeline.

Input: eval/holdout3/holdout3.jsonl and corpus/*.txt (+ the identities below,
taken from /work/shared/seeds/README.md and the *.meta.json sidecars).
Output: a list of problems (exit 1) or category counts (exit 0).

Every expected_doc string must name exactly one shipped document (title, 文号 or
issuer); every expected_clause must be a verbatim snippet (<= 25 characters) of
a document it names; every must_mention must occur in such a document. All
matching is done after NFKC with whitespace removed, as the eval runner does.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = Path(__file__).with_name("holdout3.jsonl")

# Identities as published (seeds/README.md, meta sidecars); the pipeline's own
# metadata is deliberately not read, so this check stays independent of it.
DOCS = {
    "quanzhou-2015-service-manufacturing.txt": (
        "泉州市人民政府关于发展服务型制造专项行动计划的实施意见",
        "泉政文〔2015〕95号",
        "泉州市人民政府",
    ),
    "quanzhou-kfq-smart-manufacturing-quality.txt": (
        "泉州经济技术开发区管理委员会关于进一步推动发展智能制造服务型制造和提升质量品牌的实施意见",
        "",
        "泉州经济技术开发区管理委员会",
    ),
    "jiaxing-2024-two-industries-integration.txt": (
        "嘉兴市推动先进制造业和现代服务业深度融合发展实施方案（2024―2026年）",
        "嘉政发〔2024〕14号",
        "嘉兴市人民政府",
    ),
    "weifang-five-optimizations-manufacturing.txt": (
        "潍坊市人民政府关于推进“五个优化”加快制造业高质量发展的实施意见",
        "",
        "潍坊市人民政府",
    ),
    "quanzhou-2016-innovation-driven.txt": (
        "泉州市人民政府办公室关于印发泉州市实施创新驱动发展战略工作方案的通知",
        "泉政办〔2016〕87号",
        "泉州市人民政府办公室",
    ),
}
CATEGORIES = {"lookup", "calc", "multi", "followup", "expiry", "unanswerable"}
MAX_CLAUSE = 25


def norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def docs_named(name: str) -> list[str]:
    key = norm(name)
    return [f for f, ident in DOCS.items() if any(key in norm(x) for x in ident if x)]


def check(rows: list[dict], texts: dict[str, str]) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for n, row in enumerate(rows, 1):
        qid = row.get("id", f"line {n}")
        bad = lambda msg: problems.append(f"{qid}: {msg}")  # noqa: E731
        if not qid.startswith("h3-") or qid in seen:
            bad("id must be unique and start with h3-")
        seen.add(qid)
        if row.get("category") not in CATEGORIES:
            bad(f"unknown category {row.get('category')!r}")
        if bool(row.get("question")) == bool(row.get("turns")):
            bad("needs exactly one of question / turns")
        if not isinstance(row.get("answerable"), bool):
            bad("answerable must be a bool")
        if not row.get("answerable"):
            if row.get("expected_doc") or row.get("expected_clause"):
                bad("unanswerable question carries expectations")
            continue
        names = row.get("expected_doc") or []
        if not names:
            bad("answerable question without expected_doc")
        matched: list[list[str]] = []
        for name in names:
            hits = docs_named(name)
            if len(hits) != 1:
                bad(f"expected_doc {name!r} names {len(hits)} documents")
            matched.append(hits)
        clause = norm(row.get("expected_clause", ""))
        if not clause or len(clause) > MAX_CLAUSE:
            bad(f"expected_clause empty or longer than {MAX_CLAUSE}: {clause!r}")
        if row.get("expected_docs_all"):
            # the snippet must be citable from every document the answer must cite
            for name, hits in zip(names, matched):
                if not any(clause in texts[f] for f in hits):
                    bad(f"clause {clause!r} not in {name!r}")
        pool = {f for hits in matched for f in hits}
        if pool and not any(clause in texts[f] for f in pool):
            bad(f"clause {clause!r} not in any expected document")
        for fact in row.get("must_mention", []):
            if not any(norm(fact) in texts[f] for f in pool):
                bad(f"must_mention {fact!r} not in the expected documents")
        if "expected_amount_yuan" in row:
            amount = Decimal(str(row["expected_amount_yuan"]))
            if amount < 0 or amount != amount.to_integral_value():
                bad(f"amount {amount} is not a whole, non-negative number of yuan")
    return problems


def main() -> int:
    texts = {f: norm((ROOT / "corpus" / f).read_text(encoding="utf-8")) for f in DOCS}
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    problems = check(rows, texts)
    for p in problems:
        print("PROBLEM", p)
    counts = Counter(r["category"] for r in rows)
    per_doc = Counter(
        f for r in rows for f in {f for name in r.get("expected_doc", []) for f in docs_named(name)}
    )
    print(f"{len(rows)} questions:", dict(sorted(counts.items())))
    print("expected documents:", dict(per_doc))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
