"""Static check of the second held-out question set against the shipped corpus.

Input: eval/holdout2/holdout2.jsonl and corpus/*.txt.
Output: one line per problem on stdout, then category counts; exit 1 if any problem.

It checks only what can be checked without the pipeline: the JSONL format, that
every expected_doc string names one of the five documents (title, 文号 or issuer,
as listed in ../shared/seeds/README.md), and that every expected_clause occurs,
after NFKC and whitespace removal, in the text of the document(s) it expects.
It never runs the assistant, so using it does not spend the set.

Usage: .venv/bin/python eval/holdout2/check_holdout2.py [PATH.jsonl]
"""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SET = ROOT / "eval" / "holdout2" / "holdout2.jsonl"

# Identity of each shipped document, copied from the seeds README (and the
# corpus meta sidecars); both the notice heading and the attached plan's
# heading are listed where a document has two, since either may be the title.
DOCS = {
    "jiaxing-2024-two-industries-integration.txt": [
        "嘉兴市推动先进制造业和现代服务业深度融合发展实施方案(2024―2026年)",
        "嘉兴市人民政府关于印发嘉兴市推动先进制造业和现代服务业深度融合发展实施方案(2024―2026年)的通知",
        "嘉政发〔2024〕14号",
        "嘉兴市人民政府",
    ],
    "quanzhou-2015-service-manufacturing.txt": [
        "泉州市人民政府关于发展服务型制造专项行动计划的实施意见",
        "泉政文〔2015〕95号",
        "泉州市人民政府",
        "泉州市人民政府办公室",
    ],
    "quanzhou-kfq-smart-manufacturing-quality.txt": [
        "泉州经济技术开发区管理委员会关于进一步推动发展智能制造服务型制造和提升质量品牌的实施意见",
        "泉州经济技术开发区管理委员会",
    ],
    "weifang-five-optimizations-manufacturing.txt": [
        "潍坊市人民政府关于推进“五个优化”加快制造业高质量发展的实施意见",
        "潍坊市人民政府",
    ],
    "quanzhou-2016-innovation-driven.txt": [
        "泉州市人民政府办公室关于印发泉州市实施创新驱动发展战略工作方案的通知",
        "泉政办〔2016〕87号",
        "泉州市人民政府办公室",
    ],
}

CATEGORIES = {"lookup", "calc", "multi", "followup", "expiry", "unanswerable"}
MAX_SNIPPET = 25


def norm(text: str) -> str:
    """NFKC, then drop all whitespace: the matching rule of the question-set format."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def docs_matching(name: str) -> list[str]:
    """Corpus files whose title/文号/issuer contains the expected_doc string."""
    key = norm(name)
    return [f for f, ids in DOCS.items() if any(key in norm(i) for i in ids)]


def check_item(item: dict, texts: dict[str, str]) -> list[str]:
    """Problems found in one question (empty list when it is sound)."""
    qid = item.get("id", "?")
    bad: list[str] = []
    if not str(qid).startswith("h2-"):
        bad.append("id must start with h2-")
    if item.get("category") not in CATEGORIES:
        bad.append(f"unknown category {item.get('category')!r}")
    has_q = isinstance(item.get("question"), str) and item["question"].strip()
    has_t = isinstance(item.get("turns"), list) and item["turns"] and all(
        isinstance(t, str) and t.strip() for t in item["turns"])
    if bool(has_q) == bool(has_t):
        bad.append("exactly one of question / turns is required")
    if item.get("category") == "followup" and not (has_t and len(item["turns"]) >= 2):
        bad.append("followup needs at least two turns")
    if not isinstance(item.get("answerable"), bool):
        bad.append("answerable must be a bool")
    docs = item.get("expected_doc", [])
    clause = item.get("expected_clause")
    if not item.get("answerable"):
        if docs or clause or "expected_amount_yuan" in item:
            bad.append("unanswerable question carries expectations")
        return [f"{qid}: {b}" for b in bad]
    if not docs or not clause:
        bad.append("answerable question needs expected_doc and expected_clause")
        return [f"{qid}: {b}" for b in bad]
    if len(norm(clause)) > MAX_SNIPPET:
        bad.append(f"expected_clause longer than {MAX_SNIPPET}: {clause}")
    groups = []
    for name in docs:
        hit = docs_matching(name)
        if not hit:
            bad.append(f"expected_doc {name!r} names no document")
        groups.append(hit)
    snippet = norm(clause)
    if item.get("expected_docs_all"):
        # Every named document must hold the snippet, or the question cannot be met.
        for name, hit in zip(docs, groups):
            if hit and not any(snippet in texts[f] for f in hit):
                bad.append(f"clause {clause!r} not in the text of {name!r}")
    else:
        files = {f for hit in groups for f in hit}
        if files and not any(snippet in texts[f] for f in files):
            bad.append(f"clause {clause!r} not in any expected document")
    amount = item.get("expected_amount_yuan")
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, (int, float))):
        bad.append("expected_amount_yuan must be a number")
    for m in item.get("must_mention", []) or []:
        if not isinstance(m, str) or not m.strip():
            bad.append("must_mention entries must be non-empty strings")
    return [f"{qid}: {b}" for b in bad]


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_SET
    texts = {f: norm((ROOT / "corpus" / f).read_text(encoding="utf-8")) for f in DOCS}
    problems: list[str] = []
    counts: Counter[str] = Counter()
    seen: set[str] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {n}: not JSON ({exc})")
            continue
        if item.get("id") in seen:
            problems.append(f"line {n}: duplicate id {item.get('id')}")
        seen.add(item.get("id"))
        counts[item.get("category", "?")] += 1
        problems.extend(check_item(item, texts))
    for p in problems:
        print(p)
    print(f"{sum(counts.values())} questions: " + ", ".join(f"{c} {k}" for k, c in sorted(counts.items())))
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
