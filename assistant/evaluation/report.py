"""Evaluation reports: runs (the dicts ``evaluation.report`` returns) → text, Markdown, PNG chart.

    summary_table(runs) -> str                    plain text for the terminal
    render_markdown(runs, question_files) -> str  modes side by side, per category, failures
    write_chart(runs, path)                       grouped bars per metric (matplotlib, Agg)
    write_report(runs, md_path, ...) -> (md, png) both files; the chart is chart.png beside the .md
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

# (key, short English label) in display order
SHOWN = (
    ("hit_at_1", "hit@1"), ("hit_at_3", "hit@3"), ("hit_at_5", "hit@5"), ("mrr", "MRR"),
    ("citation_accuracy", "citation acc"), ("citation_first_accuracy", "citation first"),
    ("amount_exact", "amount exact"), ("must_mention_rate", "must mention"),
    ("refusal_accuracy", "refusal acc"), ("false_refusal_rate", "false refusal"),
    ("latency_p50_ms", "p50 ms"), ("latency_p95_ms", "p95 ms"), ("n", "n"),
)
CHARTED = ("hit_at_1", "hit_at_5", "mrr", "citation_accuracy", "amount_exact",
           "must_mention_rate", "refusal_accuracy", "false_refusal_rate")


def label(run: dict[str, Any]) -> str:
    extra = " +extra" if run.get("corpus") == "corpus+extra" else ""
    return f"{run['mode']}{extra}"


def fmt(key: str, value: Any) -> str:
    if value is None:
        return "–"
    if key == "n":
        return str(value)
    if key.startswith("latency"):
        return f"{value:.0f}"
    return f"{value:.3f}"


def summary_table(runs: list[dict[str, Any]]) -> str:
    """Metrics (rows) × runs (columns), as aligned plain text."""
    heads = [label(r) for r in runs]
    width = max([16] + [len(h) + 2 for h in heads])
    lines = ["metric".ljust(16) + "".join(h.rjust(width) for h in heads)]
    for key, name in SHOWN:
        lines.append(name.ljust(16) + "".join(fmt(key, r["overall"][key]).rjust(width) for r in runs))
    return "\n".join(lines)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(runs: list[dict[str, Any]], question_files: list[str] | None = None,
                    chart_name: str | None = None, notes: list[str] | None = None) -> str:
    first = runs[0]
    out = [
        "# 政策助手 — evaluation report",
        "",
        f"- as-of date: **{first['as_of']}**; questions: **{first['overall']['n']}**"
        + (f" from {', '.join(f'`{f}`' for f in question_files)}" if question_files else ""),
        f"- runs: {', '.join(label(r) for r in runs)}; generated {dt.date.today().isoformat()}",
        "- metric definitions: `eval/README.md`. Rates are fractions in [0, 1]; – = no eligible question.",
        *[f"- note: {n}" for n in notes or []],
        "",
        "## Overall (modes side by side)",
        "",
    ]
    out += _table(["metric"] + [label(r) for r in runs],
                  [[name] + [fmt(key, r["overall"][key]) for r in runs] for key, name in SHOWN])
    if chart_name:
        out += ["", f"![modes compared]({chart_name})"]
    cats = sorted({c for r in runs for c in r["by_category"]})
    out += ["", "## By category", "", "hit@1 / citation accuracy / amount exact / refusal accuracy per run.", ""]
    rows = []
    for c in cats:
        row = [c, str(next(r["by_category"][c]["n"] for r in runs if c in r["by_category"]))]
        for r in runs:
            m = r["by_category"].get(c)
            row.append("–" if m is None else " / ".join(
                fmt(k, m[k]) for k in ("hit_at_1", "citation_accuracy", "amount_exact", "refusal_accuracy")))
        rows.append(row)
    out += _table(["category", "n"] + [label(r) for r in runs], rows)
    for r in runs:
        out += ["", f"### {label(r)} — every metric by category", ""]
        out += _table(["category"] + [name for _, name in SHOWN],
                      [[c] + [fmt(k, m[k]) for k, _ in SHOWN] for c, m in r["by_category"].items()])
    out += ["", "## Failures", ""]
    for r in runs:
        fails = r["failures"]
        out += [f"### {label(r)}: {len(fails)} question(s) with a failed check", ""]
        if not fails:
            continue
        limit = None if r["mode"] == "default" else 25
        shown = fails if limit is None else fails[:limit]
        rows = []
        for f in shown:
            exp, got = f["expected"], f["got"]
            want = exp.get("clause", "(refuse)") + (f"; {exp['amount_yuan']}元" if "amount_yuan" in exp else "")
            came = ("refused" if got.get("refused") else "answered") + (
                f"; top: {', '.join(got.get('retrieved', [])[:3]) or '–'}"
                f"; cited: {', '.join(got.get('citations', [])[:3]) or '–'}"
                + (f"; amount: {got['amount_yuan']}" if got.get("amount_yuan") else "")
                + (f"; error: {got['error']}" if got.get("error") else ""))
            rows.append([_cell(f["id"]), ", ".join(f["failed"]), _cell(f["question"][:60]), _cell(want), _cell(came)])
        out += _table(["id", "failed", "question", "expected", "got"], rows)
        if limit is not None and len(fails) > limit:
            out += ["", f"… and {len(fails) - limit} more (all in the JSON report)."]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def write_chart(runs: list[dict[str, Any]], path: Path) -> Path:
    """Grouped bars: one group per metric, one bar per run. English labels (no CJK font needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(runs)
    width = 0.8 / max(n, 1)
    fig, ax = plt.subplots(figsize=(max(8, 1.3 * len(CHARTED) + 0.4 * n), 4.8))
    names = dict(SHOWN)
    for i, r in enumerate(runs):
        values = [r["overall"][k] or 0.0 for k in CHARTED]
        xs = [j + (i - (n - 1) / 2) * width for j in range(len(CHARTED))]
        ax.bar(xs, values, width=width, label=label(r))
    ax.set_xticks(range(len(CHARTED)), [names[k] for k in CHARTED], rotation=20, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("rate (false refusal: lower is better)")
    ax.set_title(f"Policy assistant eval, as of {runs[0]['as_of']} (n={runs[0]['overall']['n']})")
    ax.legend(fontsize=8, ncol=2)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_report(runs: list[dict[str, Any]], md_path: Path, question_files: list[str] | None = None,
                 chart: bool = True, notes: list[str] | None = None) -> tuple[Path, Path | None]:
    md_path = Path(md_path)
    md_path.parent.mkdir(parents=True, exist_ok=True)
    png = write_chart(runs, md_path.parent / "chart.png") if chart else None
    md_path.write_text(render_markdown(runs, question_files, png.name if png else None, notes), encoding="utf-8")
    return md_path, png
