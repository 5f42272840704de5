"""Static check of holdout.jsonl against the shipped corpus, without the pipeline.

holdout.jsonl → printed problems (exit 1 if any): every expected_doc string names a
document (title, 文号 or issuer, as listed in the seeds README and meta sidecars),
every expected_clause snippet occurs in the text of the named documents (each of
them for expected_docs_all), after NFKC + whitespace removal as the eval does.
"""
import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# title, 文号, issuer per shipped file (seeds/README.md and corpus/*.meta.json)
DOCS = {
    "quanzhou-2015-service-manufacturing": (
        "泉州市人民政府关于发展服务型制造专项行动计划的实施意见", "泉政文〔2015〕95号", "泉州市人民政府"),
    "quanzhou-kfq-smart-manufacturing-quality": (
        "泉州经济技术开发区管理委员会关于进一步推动发展智能制造服务型制造和提升质量品牌的实施意见", "",
        "泉州经济技术开发区管理委员会"),
    "jiaxing-2024-two-industries-integration": (
        "嘉兴市推动先进制造业和现代服务业深度融合发展实施方案(2024―2026年)", "嘉政发〔2024〕14号", "嘉兴市人民政府"),
    "weifang-five-optimizations-manufacturing": (
        "潍坊市人民政府关于推进“五个优化”加快制造业高质量发展的实施意见", "", "潍坊市人民政府"),
    "quanzhou-2016-innovation-driven": (
        "泉州市人民政府办公室关于印发泉州市实施创新驱动发展战略工作方案的通知", "泉政办〔2016〕87号",
        "泉州市人民政府办公室"),
}


def norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def main(path: str) -> int:
    texts = {k: norm((ROOT / "corpus" / f"{k}.txt").read_text(encoding="utf-8")) for k in DOCS}
    labels = {k: [norm(x) for x in v if x] for k, v in DOCS.items()}
    problems = []
    ids = set()
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        q = json.loads(line)
        if q["id"] in ids:
            problems.append(f"line {n}: duplicate id {q['id']}")
        ids.add(q["id"])
        if not q["answerable"]:
            continue
        snippet = norm(q["expected_clause"])
        if len(snippet) > 25:
            problems.append(f"{q['id']}: snippet longer than 25 chars")
        groups = []
        for want in q["expected_doc"]:
            hit = [k for k, ls in labels.items() if any(norm(want) in lab for lab in ls)]
            if not hit:
                problems.append(f"{q['id']}: expected_doc {want!r} names no document")
            groups.append(hit)
        if q.get("expected_docs_all"):
            for want, hit in zip(q["expected_doc"], groups):
                if hit and not any(snippet in texts[k] for k in hit):
                    problems.append(f"{q['id']}: snippet not in the document named by {want!r}")
        else:
            docs = {k for hit in groups for k in hit}
            if not any(snippet in texts[k] for k in docs):
                problems.append(f"{q['id']}: snippet not in {sorted(docs)}")
    print("\n".join(problems) or f"ok: {len(ids)} questions")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).with_name("holdout.jsonl"))))
