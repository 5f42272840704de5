"""assistant/cli/remote.py: `ask` goes through a running server only when it serves the same build."""
from __future__ import annotations

from assistant.cli.main import main

QUESTION = "开发区数字化车间有什么补助？"


def _ask(capsys, settings, *extra):
    code = main(["ask", QUESTION, "--data-dir", str(settings.data_dir), "--as-of", "2026-11-21", *extra])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_ask_uses_the_running_server_of_the_same_index_and_says_so(live_url, settings, capsys, monkeypatch):
    monkeypatch.setenv("POLICY_SERVER_URL", live_url)
    code, remote, err = _ask(capsys, settings)
    assert code == 0 and f"answered by the running server at {live_url}" in err
    code, local, err = _ask(capsys, settings, "--no-server")
    assert code == 0 and "running server" not in err
    # the same answer and citations; only the session line differs
    strip = lambda text: [line for line in text.splitlines() if not line.startswith("[session ")]  # noqa: E731
    assert strip(remote) == strip(local) and "引用（已与原文逐字核对）" in remote


def test_ask_answers_itself_when_the_server_serves_another_build(live_url, settings, tmp_path, capsys,
                                                                 monkeypatch):
    monkeypatch.setenv("POLICY_SERVER_URL", live_url)
    (tmp_path / "index").mkdir()
    (tmp_path / "index" / "CURRENT").write_text("20000101T000000-000000\n")
    code = main(["ask", QUESTION, "--data-dir", str(tmp_path), "--as-of", "2026-11-21"])
    err = capsys.readouterr().err
    assert code == 2 and "running server" not in err  # this data dir has no build: its own error
