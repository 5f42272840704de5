"""`policy-assistant eval FILE…` — run question sets against the system in one or more modes.

Modes: default (our pipeline, no LLM), llm (settings.llm_*; skipped with a message when unset),
dense / bm25 (our pipeline with one retriever only), baseline (assistant.baseline.NaiveRAG),
all (every one of them). ``--corpus-extra DIR`` asks against an index of corpus/ + DIR (built once
in its own data dir under <data-dir>/eval/, incremental on later runs); ``--both-corpora`` runs
with and without it. Output: a summary on stdout, ``--json-out`` (one run: the report object;
several: {"runs": [...]}) and ``--report`` (Markdown + chart.png beside it).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

MODES = ("default", "llm", "dense", "bm25", "baseline")


def register(subparsers, parents) -> None:
    p = subparsers.add_parser(
        "eval", parents=parents, help="run question sets and report hit rates, citations, amounts, refusals",
        description="Run JSONL question sets (format: eval/README.md) and report metrics per mode and category.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="question-set JSONL files")
    p.add_argument("--mode", action="append", choices=MODES + ("all",),
                   help="default|llm|dense|bm25|baseline|all; repeat to compare (default: default)")
    p.add_argument("--corpus-extra", metavar="DIR", help="add these documents to the index as distractors")
    p.add_argument("--both-corpora", action="store_true", help="with --corpus-extra: also run without it")
    p.add_argument("--ids", metavar="FILE", help="only the question ids listed in FILE (one a line, # comments)")
    p.add_argument("--json-out", metavar="PATH", help="write the JSON report here")
    p.add_argument("--report", metavar="PATH.md", help="write a Markdown report (and chart.png beside it)")
    p.add_argument("--include-runs", metavar="JSON", action="append",
                   help="add the runs of an earlier --json-out to this report (alone: just re-render them)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.set_defaults(handler=run)


def read_ids(path: str | Path) -> list[str]:
    """An id list file: one id a line; blank lines and # comments ignored."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [s for s in (line.split("#", 1)[0].strip() for line in lines) if s]


def resolve_modes(requested: list[str] | None) -> list[str]:
    modes: list[str] = []
    for m in requested or ["default"]:
        for x in MODES if m == "all" else (m,):
            if x not in modes:
                modes.append(x)
    return modes


class ForcedModeKB:
    """A KnowledgeBase seen through one retriever: every ``search`` runs with ``mode`` (dense/bm25),
    whatever the caller asked for. Everything else is the wrapped knowledge base."""

    def __init__(self, kb, mode: str):
        self._kb = kb
        self._mode = mode

    def search(self, query, k=5, mode="hybrid", **kwargs):
        return self._kb.search(query, k=k, mode=self._mode, **kwargs)

    def __getattr__(self, name):
        # only the public API: a private handle (the store's open build, say) would let a caller
        # search around this wrapper
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._kb, name)


def open_kb(settings, extra: Path | None, progress: bool):
    """The knowledge base for a run, built (incrementally) in its own data dir under
    <data-dir>/eval/ — corpus-<hash>/ or extra-<hash>/ — so it always reflects the current corpus
    and parsing code, and the user's own index is never touched."""
    from index.store.knowledge import KnowledgeBase
    from index.ingest.pipeline import build_index

    roots = [Path(settings.corpus_dir)] + ([extra] if extra else [])
    key = hashlib.sha1("|".join(str(r.resolve()) for r in roots).encode()).hexdigest()[:10]
    s = settings.with_(data_dir=Path(settings.data_dir) / "eval" / f"{'extra' if extra else 'corpus'}-{key}",
                       models_path=settings.models_dir)
    report = build_index(s, paths=[extra] if extra else None, progress=progress)  # corpus_dir is always in
    if report.bad:
        print(f"{len(report.bad)} file(s) could not be read and were left out of the eval index", file=sys.stderr)
    return KnowledgeBase.open(s), s


def make_asker(mode: str, kb, settings, roots: list[Path]) -> tuple[Callable[[str, str], Any], Callable[[], None]]:
    """(ask_turn(text, session_id) -> Answer, close) for one mode."""
    as_of = settings.as_of
    if mode == "baseline":
        from assistant.evaluation.baseline import NaiveRAG, source_files
        from index.store.embeddings import get_embedder

        rag = NaiveRAG.build(source_files(kb.documents, roots), get_embedder(settings.embed_model),
                             workdir=_workdir(settings))
        return (lambda text, session: rag.ask(text, as_of=as_of.isoformat())), rag.close
    from assistant.chat.assistant import Assistant

    if mode == "llm":
        run_settings = settings
    else:  # the deterministic pipeline, even when an LLM endpoint is configured
        run_settings = settings.with_(llm_base_url="", llm_model="")
    # the eval's conversations live in a temp data dir, so the user's sessions folder stays clean
    scratch = Path(tempfile.mkdtemp(prefix="sessions-", dir=_workdir(settings)))
    target = ForcedModeKB(kb, mode) if mode in ("dense", "bm25") else kb
    assistant = Assistant(target, run_settings.with_(data_dir=scratch))
    return (lambda text, session: assistant.ask(text, session_id=session, as_of=as_of)), (
        lambda: shutil.rmtree(scratch, ignore_errors=True))


def _workdir(settings) -> Path:
    d = Path(settings.data_dir) / "eval" / "tmp"
    d.mkdir(parents=True, exist_ok=True)
    return d


def run_all(questions, settings, modes, extra: Path | None, both: bool, progress: bool,
            notes: list[str] | None = None) -> list[dict]:
    """Every (corpus, mode) run → list of reports; why a mode was skipped goes to stderr and ``notes``."""
    from assistant.evaluation.judge import Judge, evaluate

    corpora = [None, extra] if (extra and both) else [extra]
    runs = []
    for corpus in corpora:
        kb, s = open_kb(settings, corpus, progress)
        roots = [Path(settings.corpus_dir)] + ([corpus] if corpus else [])
        judge = Judge(kb.documents, kb.clauses)
        for mode in modes:
            if mode == "llm" and not settings.llm_enabled:
                why = "mode llm skipped: POLICY_LLM_BASE_URL / POLICY_LLM_MODEL are not set"
                print(why, file=sys.stderr)
                if notes is not None and why not in notes:
                    notes.append(why)
                continue
            ask, close = make_asker(mode, kb, s, roots)
            try:
                runs.append(evaluate(
                    questions, ask, judge, mode=mode, as_of=settings.as_of.isoformat(), progress=progress,
                    corpus="corpus+extra" if corpus else "corpus", n_documents=len(kb.documents),
                ))
            finally:
                close()
    return runs


def load_runs(path: str | Path) -> list[dict]:
    """The runs in an earlier --json-out file (one report object, or {"runs": [...]})."""
    from index.errors import InputError

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"--include-runs {path}: cannot read it as JSON ({exc})") from None
    runs = data.get("runs", [data]) if isinstance(data, dict) else None
    if not runs or not all(isinstance(r, dict) and "overall" in r and "mode" in r for r in runs):
        raise InputError(f"--include-runs {path}: not an eval JSON report")
    return runs


def run(args: argparse.Namespace, settings) -> int:
    from assistant.evaluation.report import summary_table, write_report
    from assistant.evaluation.questions import load_questions

    ids = read_ids(args.ids) if args.ids else None
    questions = load_questions(args.files, ids=ids)
    if not questions:
        print("error: no questions in the given files", file=sys.stderr)
        return 2
    extra = Path(args.corpus_extra) if args.corpus_extra else None
    if extra is not None and not extra.is_dir():
        print(f"error: --corpus-extra {extra} is not a folder", file=sys.stderr)
        return 2
    notes: list[str] = []
    runs = []
    if args.mode or not args.include_runs:
        runs = run_all(questions, settings, resolve_modes(args.mode), extra, args.both_corpora,
                       not args.no_progress, notes)
    for path in args.include_runs or []:
        runs.extend(load_runs(path))
    if not runs:
        print("error: nothing was run (see the messages above)", file=sys.stderr)
        return 2
    print(summary_table(runs))
    if args.json_out:
        payload = runs[0] if len(runs) == 1 else {"runs": runs}
        Path(args.json_out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json_out).write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if args.report:
        md, png = write_report(runs, Path(args.report), question_files=args.files, notes=notes)
        print(f"report: {md}" + (f", chart: {png}" if png else ""))
    return 0
