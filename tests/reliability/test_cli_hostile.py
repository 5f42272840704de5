"""Hostile input through the CLI: one clear English line and a non-zero exit, never a traceback."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli.main import CleanLines, main

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("argv", [
    ["ask", "物流\udcff\udcfe补助"],          # bytes that were not UTF-8 on the command line
    ["search", "\ud800"],                      # a lone surrogate
    ["ask", "补助", "--session", "a\udc80b"],
])
def test_undecodable_arguments_are_refused_before_any_work(argv, capsys, tmp_path):
    assert main(argv + ["--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "UTF-8" in err and "Traceback" not in err
    assert not (tmp_path / "index").exists() and not (tmp_path / "sessions").exists()


def test_undecodable_stdin_lines_lose_only_the_bad_bytes():
    err = io.StringIO()
    lines = CleanLines(io.BytesIO("物流\n".encode() + b"\xff\xfe\xc3" + "补助\n".encode()), err=err)
    assert lines.readline() == "物流\n"
    assert lines.readline() == "补助\n"
    assert "not valid UTF-8" in err.getvalue()
    assert lines.readline() == ""


def test_real_process_with_undecodable_argv_and_stdin_prints_no_traceback(tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(REPO),
           "LANG": "C.UTF-8"}
    for argv in ([b"ask", b"\xff\xfe"], [b"search", "物流".encode("gbk")]):
        r = subprocess.run([sys.executable.encode(), b"-m", b"assistant.cli", *argv,
                            b"--data-dir", str(tmp_path).encode()],
                           capture_output=True, env=env, cwd=REPO, timeout=120)
        assert r.returncode == 2, r.stderr
        assert b"Traceback" not in r.stderr and b"UTF-8" in r.stderr


@pytest.mark.slow
@pytest.mark.parametrize("digits", [26, 30, 60])
def test_cli_huge_figures_answer_or_fail_in_one_line(kb, settings, capsys, digits):
    common = ["--data-dir", str(settings.data_dir), "--corpus", str(settings.corpus_dir), "--as-of", "2026-11-21"]
    clause = next(c for c in kb.clauses.values() if "物流公共信息平台" in c.text)
    for argv in (["ask", f"建设物流公共信息平台，投资{'9' * digits}万元，能拿到多少补助？"],
                 ["calc", clause.clause_id, "--fact", f"投资额={'9' * digits}万元"]):
        code = main(argv + common)
        out = capsys.readouterr()
        assert "Traceback" not in out.err
        last = out.err.strip().splitlines()[-1] if out.err.strip() else ""
        assert code == 0 or (code in (1, 2) and last.startswith("error: ")), (argv, code, out.err)
