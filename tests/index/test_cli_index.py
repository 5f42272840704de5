"""assistant/cli_index.py: ingest, docs, search through the real CLI entry point."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli.main import main

REPO = Path(__file__).resolve().parents[2]


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def data_copy(kb, settings, tmp_path):
    """A copy of the session index (same corpus), for commands that may rebuild it."""
    target = tmp_path / "data"
    shutil.copytree(settings.data_dir / "index", target / "index")
    return target


def test_help_is_instant_and_loads_no_heavy_library():
    code = ("import sys; from assistant.cli.main import build_parser; build_parser();"
            "print(sorted(m for m in ('torch','chromadb','sentence_transformers','jieba','langchain_core')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_docs_json_lists_metadata_validity_and_clause_counts(kb, settings, capsys):
    code, out, _ = _run(capsys, "docs", "--json", "--data-dir", str(settings.data_dir), "--as-of", "2026-11-21")
    assert code == 0
    rows = {r["doc_id"]: r for r in json.loads(out)}
    assert len(rows) == 5
    assert rows["jiaxing-2024-two-industries-integration"]["doc_number"] == "嘉政发〔2024〕14号"
    assert rows["jiaxing-2024-two-industries-integration"]["validity"] == "有效"
    assert rows["weifang-five-optimizations-manufacturing"]["validity"] == "已失效"
    assert all(r["clauses"] == len(kb.clauses_of(d)) > 0 for d, r in rows.items())
    assert "text" not in rows["jiaxing-2024-two-industries-integration"]


def test_docs_table(kb, settings, capsys):  # kb: the index these commands read
    code, out, _ = _run(capsys, "docs", "--data-dir", str(settings.data_dir), "--as-of", "2026-11-21")
    assert code == 0
    assert "泉政文〔2015〕95号" in out and "已失效" in out and "原文不完整" in out


def test_search_prints_citation_lines_scores_and_clause_text(kb, settings, capsys):
    code, out, _ = _run(capsys, "search", "物流信息平台投资补助", "--k", "2", "--region", "泉州",
                        "--data-dir", str(settings.data_dir), "--as-of", "2026-11-21")
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith("1. 《泉州市人民政府关于发展服务型制造专项行动计划的实施意见》（泉政文〔2015〕95号）")
    assert "· 二、（四）" in first
    assert "score" in out and "扶持物流公共信息平台建设" in out


def test_search_json_carries_verbatim_text(kb, settings, capsys):
    code, out, _ = _run(capsys, "search", "数字化车间补助", "--json", "--mode", "bm25", "--issuer", "开发区",
                        "--data-dir", str(settings.data_dir))
    assert code == 0
    results = json.loads(out)
    assert results and all(r["clause_id"].startswith("quanzhou-kfq") for r in results)
    for r in results:
        c = kb.clauses[r["clause_id"]]
        assert r["text"] == c.text == kb.documents[c.doc_id].text[c.start:c.end]
        assert r["citation"].endswith(c.display_path)


def test_search_errors_are_clear_english(kb, settings, capsys, tmp_path):
    code, _, err = _run(capsys, "search", "   ", "--data-dir", str(settings.data_dir))
    assert code == 2 and "question is empty" in err
    code, _, err = _run(capsys, "search", "补助", "--data-dir", str(tmp_path / "none"))
    assert code == 2 and "policy-assistant ingest" in err
    code, _, err = _run(capsys, "search", "补助", "--data-dir", str(settings.data_dir),
                        "--embed-model", str(tmp_path))
    assert code == 2 and "re-ingest" in err


def test_ingest_unchanged_then_with_a_bad_extra_file(data_copy, tmp_path, capsys, corpus_dir):
    code, out, _ = _run(capsys, "ingest", "--data-dir", str(data_copy), "--corpus", str(corpus_dir))
    assert code == 0 and out.startswith("index unchanged") and "5 documents" in out
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"%PDF-1.4 not really a pdf")
    code, out, _ = _run(capsys, "ingest", str(bad), "--data-dir", str(data_copy), "--corpus", str(corpus_dir))
    assert code == 0, out
    assert "index built" in out and "0 embedded" in out  # vectors reused: nothing new to embed
    assert "skipped 1 bad file(s)" in out and "scan.pdf" in out


def test_ingest_with_nothing_indexable_exits_1_and_keeps_the_index(data_copy, tmp_path, capsys):
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "empty.txt").write_bytes(b"")
    code, out, err = _run(capsys, "ingest", "--json", "--data-dir", str(data_copy), "--corpus", str(junk))
    assert code == 1
    report = json.loads(out)
    assert report["status"] == "failed" and report["bad"][0]["path"].endswith("empty.txt")
    code, out, _ = _run(capsys, "docs", "--json", "--data-dir", str(data_copy))
    assert code == 0 and len(json.loads(out)) == 5


def test_ingest_of_a_path_that_does_not_exist_fails_clearly(tmp_path, capsys, corpus_dir):
    data = tmp_path / "data"
    code, out, err = _run(capsys, "ingest", str(tmp_path / "nonexistent"), "--data-dir", str(data),
                          "--corpus", str(corpus_dir))
    assert code == 2 and "no such file or folder" in err and "nonexistent" in err
    assert not (data / "index").exists()  # nothing was built
    code, out, err = _run(capsys, "ingest", "--data-dir", str(data), "--corpus", str(tmp_path / "no-corpus"))
    assert code == 2 and "does not exist" in err
