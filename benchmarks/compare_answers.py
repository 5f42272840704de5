"""Are two runs' answers the same, question by question? (not a test)

    .venv/bin/python benchmarks/compare_answers.py BEFORE.json AFTER.json [--score-tol 1e-5]

Reads two ``profile_answer.py --dump`` files (or two ``policy-assistant eval --json-out``
reports) and prints how many questions differ and how. For dumps: answer text, refusal,
citations (clause, span, quote), the retrieval order and calculated amounts must be identical;
scores may differ by float rounding up to ``--score-tol`` (the query vector is computed on
another number of threads). For eval reports: every metric except latency, and the failures
list, must be identical. Exit status 0 when nothing differs, 1 otherwise.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXACT = ("refused", "answer", "citations", "retrieved", "amounts", "warnings")
LATENCY = ("latency_p50_ms", "latency_p95_ms")


def compare_dumps(before: list[dict], after: list[dict], tol: float) -> list[str]:
    """Two outcome lists → one line per difference."""
    diffs = []
    if [o["id"] for o in before] != [o["id"] for o in after]:
        return ["the two runs asked different questions"]
    for b, a in zip(before, after):
        for key in EXACT:
            if b[key] != a[key]:
                diffs.append(f"{b['id']}: {key} differs")
        for i, (sb, sa) in enumerate(zip(b["scores"], a["scores"])):
            for x, y in zip(sb, sa):
                if (x is None) != (y is None) or (x is not None and abs(x - y) > tol):
                    diffs.append(f"{b['id']}: score of retrieved #{i + 1} {sb} -> {sa}")
                    break
    return diffs


def _runs(report: dict) -> list[dict]:
    return report.get("runs", [report])


def _strip(metrics: dict) -> dict:
    return {k: v for k, v in metrics.items() if k not in LATENCY}


def compare_reports(before: dict, after: dict) -> list[str]:
    diffs = []
    for rb, ra in zip(_runs(before), _runs(after)):
        name = f"{rb.get('mode')}/{rb.get('corpus', '')}"
        if _strip(rb["overall"]) != _strip(ra["overall"]):
            diffs.append(f"{name}: overall metrics differ")
        for cat in sorted(set(rb["by_category"]) | set(ra["by_category"])):
            if _strip(rb["by_category"].get(cat, {})) != _strip(ra["by_category"].get(cat, {})):
                diffs.append(f"{name}: metrics of {cat} differ")
        if rb["failures"] != ra["failures"]:
            diffs.append(f"{name}: failures differ")
    if len(_runs(before)) != len(_runs(after)):
        diffs.append("different numbers of runs")
    return diffs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--score-tol", type=float, default=1e-5)
    args = ap.parse_args()
    before, after = (json.loads(Path(p).read_text(encoding="utf-8")) for p in (args.before, args.after))
    if isinstance(before, list):
        diffs = compare_dumps(before, after, args.score_tol)
        n = len(before)
    else:
        diffs = compare_reports(before, after)
        n = sum(r["overall"]["n"] for r in _runs(before))
    for line in diffs:
        print(line)
    print(f"{n} questions compared: {'identical' if not diffs else f'{len(diffs)} difference(s)'}")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
