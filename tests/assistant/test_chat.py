"""The Assistant: input validation, sessions on disk, streaming, and the ask/chat CLI."""
from __future__ import annotations

import io
import json
from argparse import Namespace

import pytest

from assistant.chat import Assistant, clean_question
from assistant.errors import InputError
from assistant.records import Answer


def test_bad_input_gets_a_clear_message(policy_assistant, settings):
    for bad in ("", "   \n\t ", "\x00\x07"):
        with pytest.raises(InputError) as err:
            policy_assistant.ask(bad)
        assert err.value.zh == "请输入问题。"
    with pytest.raises(InputError) as err:
        policy_assistant.ask("补" * (settings.max_question_chars + 1))
    assert str(settings.max_question_chars) in str(err.value) and str(settings.max_question_chars) in err.value.zh
    with pytest.raises(InputError):
        policy_assistant.ask(None)  # type: ignore[arg-type]
    with pytest.raises(InputError):
        policy_assistant.stream("")  # validated before the first chunk


def test_control_characters_are_stripped():
    assert clean_question("嘉兴\x00的\u200b工业设计\x1b中心\n奖励？", 100) == "嘉兴的工业设计中心 奖励？"


def test_a_limit_from_settings(kb, settings):
    short = Assistant(kb, settings.with_(max_question_chars=10))
    with pytest.raises(InputError) as err:
        short.ask("嘉兴的企业被认定为省级服务型制造示范企业奖励多少")
    assert "10" in err.value.zh


def test_stream_yields_text_then_the_answer(policy_assistant):
    items = list(policy_assistant.stream("物流公共信息平台投资了800万，能补助多少？"))
    chunks, final = items[:-1], items[-1]
    assert isinstance(final, Answer) and chunks and all(isinstance(c, str) for c in chunks)
    assert "".join(chunks) == final.answer
    assert final.mode == "default"


def test_sessions_persist_across_processes(kb, settings):
    """Two Assistants over the same data dir stand for two `ask --session ID` calls."""
    first, second = Assistant(kb, settings), Assistant(kb, settings)
    session = first.new_session()
    assert (settings.sessions_dir / f"{session}.json").exists()
    first.ask("泉州对省级工业设计中心奖励多少？", session_id=session)
    answer = second.ask("那嘉兴呢？", session_id=session)
    assert "嘉兴" in answer.rewritten_question and answer.citations[0].doc_id.startswith("jiaxing")
    stored = json.loads((settings.sessions_dir / f"{session}.json").read_text(encoding="utf-8"))
    assert len(stored["turns"]) == 2 and stored["state"]["doc_id"].startswith("jiaxing")
    assert not list(settings.sessions_dir.glob("*.tmp"))  # atomic writes leave nothing behind
    second.clear(session)
    assert first.history(session) == []


def test_session_ids_are_checked(policy_assistant):
    with pytest.raises(InputError):
        policy_assistant.ask("嘉兴工业设计中心奖励", session_id="../../etc/passwd")


def test_a_damaged_session_file_starts_over(kb, settings):
    a = Assistant(kb, settings)
    session = a.new_session()
    (settings.sessions_dir / f"{session}.json").write_text("{not json", encoding="utf-8")
    answer = a.ask("嘉兴的企业被认定为省级服务型制造示范企业，奖励多少？", session_id=session)
    assert not answer.refused and len(a.history(session)) == 1


def test_cli_ask_json_and_session(settings, capsys):
    from assistant.cli import main

    common = ["--data-dir", str(settings.data_dir), "--corpus", str(settings.corpus_dir), "--as-of", "2026-11-21"]
    assert main(["ask", "物流公共信息平台投资了800万，能补助多少？", "--json", *common]) == 0
    out = capsys.readouterr()
    data = json.loads(out.out)
    assert data["mode"] == "default" and "mode: default" in out.err
    assert data["citations"][0]["clause_id"] == "quanzhou-2015-service-manufacturing/2.4"
    assert data["calculation"]["amount_wan"] == "40万元"
    assert main(["ask", "泉州对省级工业设计中心奖励多少？", "--session", "cli-test", *common]) == 0
    assert main(["ask", "那嘉兴呢？", "--session", "cli-test", *common]) == 0
    text = capsys.readouterr().out
    assert "理解为：嘉兴" in text and "引用（已与原文逐字核对）" in text
    assert main(["ask", "   ", *common]) == 2
    assert "error: empty question" in capsys.readouterr().err


def test_cli_chat_repl(settings):
    from assistant.cli_answer import chat_command

    stdin = io.StringIO("你好\n\n嘉兴对国家级工业设计中心奖励多少\n那省级的呢？\n/new\n" + "补" * 3000 + "\n")
    stdout = io.StringIO()
    assert chat_command(Namespace(session=None), settings, stdin=stdin, stdout=stdout) == 0  # EOF exits
    out = stdout.getvalue()
    assert "mode: default" in out and "已开始新会话" in out
    assert "政策助手" in out and "可获奖励50万元" in out
    assert "error: question is 3000 characters" in out  # bad input does not end the conversation
    stdout = io.StringIO()
    assert chat_command(Namespace(session=None), settings, stdin=io.StringIO("/quit\n嘉兴\n"), stdout=stdout) == 0
