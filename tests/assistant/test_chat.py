"""The Assistant: input validation, sessions on disk, streaming, and the ask/chat CLI."""
from __future__ import annotations

import io
import json
from argparse import Namespace

import pytest

from assistant.chat.assistant import Assistant, clean_question
from index.errors import InputError
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
    from assistant.cli.main import main

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
    assert "error: question is empty" in capsys.readouterr().err


def test_cli_chat_repl(settings):
    from assistant.cli.answer import chat_command

    stdin = io.StringIO("你好\n\n嘉兴对国家级工业设计中心奖励多少\n那省级的呢？\n/new\n" + "补" * 3000 + "\n")
    stdout = io.StringIO()
    assert chat_command(Namespace(session=None), settings, stdin=stdin, stdout=stdout) == 0  # EOF exits
    out = stdout.getvalue()
    assert "mode: default" in out and "已开始新会话" in out
    assert "政策助手" in out and "可获奖励50万元" in out
    assert "error: question is 3000 characters" in out  # bad input does not end the conversation
    stdout = io.StringIO()
    assert chat_command(Namespace(session=None), settings, stdin=io.StringIO("/quit\n嘉兴\n"), stdout=stdout) == 0


def test_a_reingest_that_adds_a_region_is_in_scope_without_a_restart(kb, settings, tmp_path):
    """The Assistant follows kb rebuilds: coverage, corpus text and rule caches are per build."""
    import shutil

    from assistant.answer import scope
    from index.store.knowledge import KnowledgeBase
    from index.ingest.pipeline import build_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(settings.corpus_dir / "jiaxing-2024-two-industries-integration.txt", corpus)
    s = settings.with_(data_dir=tmp_path / "data", corpus_dir=corpus)
    assert build_index(s, progress=False, embedder=kb.embedder).ok
    live = KnowledgeBase.open(s, embedder=kb.embedder)
    assistant = Assistant(live, s)
    question = "潍坊新入选国家级智能制造示范工厂奖励多少"
    before = assistant.ask(question)
    assert before.refused and "没有潍坊" in before.answer
    old_view, old_version = assistant.snapshot(), live.version

    for name in ("weifang-five-optimizations-manufacturing.txt", "weifang-five-optimizations-manufacturing.meta.json"):
        shutil.copy(settings.corpus_dir / name, corpus)
    assert build_index(s, progress=False, embedder=kb.embedder).ok
    assert live.refresh(force=True) and live.version != old_version
    after = assistant.ask(question)
    assert not after.refused and after.citations[0].doc_id == "weifang-five-optimizations-manufacturing"
    assert "潍坊" in assistant.coverage.keys
    assert "潍坊" in scope._corpus_text(live)  # the module cache follows the version too

    # a view taken before the swap keeps reading its own build from start to end
    assert set(old_view.documents) == {"jiaxing-2024-two-industries-integration"}
    hits = old_view.search(question, k=5)
    assert hits and all(h.clause.clause_id in old_view.clauses for h in hits)
    assert old_view.version == old_version != assistant.snapshot().version

    def gone(*args, **kwargs):
        raise OSError("build folder removed")

    # its build unreadable: the live index answers, but only clauses that read the same here
    old_view._build.dense_search = gone
    hits = old_view.search("工业设计中心和智能制造示范工厂奖励多少", k=8)
    assert hits and all(h.clause.doc_id in old_view.documents for h in hits)
    assert any(h.clause.doc_id.startswith("weifang") for h in live.search("智能制造示范工厂奖励多少", k=8))


def test_sessions_untouched_past_the_ttl_are_pruned(tmp_path, monkeypatch):
    import os
    import time

    from assistant.chat import sessions as sessions_mod
    from index.config import Settings
    from assistant.chat.sessions import SessionStore

    monkeypatch.setenv("POLICY_SESSION_TTL_DAYS", "7")
    assert Settings().session_ttl_days == 7
    monkeypatch.delenv("POLICY_SESSION_TTL_DAYS")
    assert Settings().session_ttl_days == 30

    store = SessionStore(tmp_path, ttl_days=7)
    old, fresh = store.new(), store.new()
    leftover = tmp_path / f".{old}.x.tmp"  # a crashed write
    leftover.write_text("{}", encoding="utf-8")
    week_ago = time.time() - 8 * 86400
    for path in (tmp_path / f"{old}.json", leftover):
        os.utime(path, (week_ago, week_ago))
    (tmp_path / "notes.txt").write_text("not a session", encoding="utf-8")
    os.utime(tmp_path / "notes.txt", (week_ago, week_ago))

    assert store.new()  # pruned at most once an hour: the first call did it, this one does not
    assert store.exists(old)
    monkeypatch.setattr(sessions_mod, "PRUNE_EVERY", 0.0)
    store.new()
    assert not store.exists(old) and store.exists(fresh) and not leftover.exists()
    assert (tmp_path / "notes.txt").exists()  # only session files are ever deleted
    assert SessionStore(tmp_path, ttl_days=0).prune(now=time.time() + 1e9) == 0  # 0 = keep forever


def test_a_session_keeps_its_last_turns(tmp_path):
    from assistant.chat.sessions import MAX_TURNS, SessionStore

    store = SessionStore(tmp_path)
    session = store.load("long-talk")
    session["turns"] = [{"question": f"问题{i}"} for i in range(MAX_TURNS + 10)]
    store.save(session)
    turns = store.load("long-talk")["turns"]
    assert len(turns) == MAX_TURNS and turns[-1]["question"] == f"问题{MAX_TURNS + 9}"
    assert turns[0]["question"] == "问题10"


def test_cli_groups_quotes_per_clause(settings, capsys):
    """Several quotes of one clause: one numbered line, the quotes under it; JSON keeps all."""
    from assistant.answer.citations import verify
    from assistant.cli.main import main
    from assistant.chat.assistant import get_assistant

    common = ["--data-dir", str(settings.data_dir), "--corpus", str(settings.corpus_dir), "--as-of", "2026-11-21"]
    question = "我们投了800万建物流信息平台，能补多少？"
    assert main(["ask", question, "--json", *common]) == 0
    data = json.loads(capsys.readouterr().out)
    clause_ids = list(dict.fromkeys(c["clause_id"] for c in data["citations"]))
    assert len(data["citations"]) > len(clause_ids)  # a clause with several verified quotes
    kb = get_assistant(settings).kb
    from assistant.records import Citation

    for c in data["citations"]:
        fields = {k: v for k, v in c.items() if k != "line"}
        assert verify(kb, Citation(**{**fields, "path": tuple(fields["path"])}))
    assert main(["ask", question, *common]) == 0
    text = capsys.readouterr().out
    listing = text.split("引用（已与原文逐字核对）：\n", 1)[1].splitlines()
    numbered = [line for line in listing if line.startswith("[")]
    assert [line.split("(", 1)[1].split(",")[0] for line in numbered] == clause_ids
    assert [line.split("]")[0] for line in numbered] == [f"[{i}" for i in range(1, len(clause_ids) + 1)]
    quotes = [line.strip() for line in listing if line.startswith("    “")]
    for c in data["citations"]:  # every quote is shown, unless it is part of a longer one shown
        q = " ".join(c["quote"].split())
        assert any(q in shown for shown in quotes), q


def test_a_count_follow_up_stays_on_the_clause_and_quotes_its_band(policy_assistant):
    """'那要是买80台呢？' after a question on the 数控一代 purchase clause: the same clause, the
    sentence of the band 80 falls in, and the band the calculator placed it in."""
    session = policy_assistant.new_session()
    first = policy_assistant.ask("开发区的企业采购数控一代示范产品，政府怎么补贴？", session_id=session)
    assert first.citations[0].clause_id.endswith("/2.1.11")
    answer = policy_assistant.ask("那要是买了80台呢？", session_id=session)
    assert answer.citations[0].clause_id.endswith("/2.1.11")
    assert "51～100台（套）" in answer.citations[0].quote
    assert "属于“≥51台且≤100台”档" in answer.answer and "请补充：采购发票总价" in answer.answer


def test_figures_never_cross_to_another_topic_or_region(policy_assistant):
    """A conversation that changes topic and region: each question's own figures are used,
    earlier ones carry only into a follow-up on the same clause and are shown as carried, and
    no earlier level or sum leaks into a later, unrelated question."""
    from decimal import Decimal

    session = policy_assistant.new_session()
    first = policy_assistant.ask("泉州的企业新建电商仓储配送中心，面积1.2万平方米，为4家本地电商企业配送，"
                                 "投资2000万元，能补多少？", session_id=session)
    assert first.calculation is not None and first.calculation.amount_yuan == Decimal("1000000")
    assert "沿用上文" not in first.answer and not first.sections["carried"]
    # same topic, one new figure: the new one wins, the others are carried and said so
    second = policy_assistant.ask("那投资1500万呢？", session_id=session)
    assert second.calculation.amount_yuan == Decimal("750000"), second.answer
    assert second.answer.splitlines()[1].startswith("沿用上文：")
    assert any("平方米" in c for c in second.sections["carried"])
    assert not any("1500万" in c or "2000万" in c for c in second.sections["carried"])
    # another region and topic with a level
    third = policy_assistant.ask("嘉兴的国家级工业设计中心奖励多少？", session_id=session)
    assert third.calculation.amount_yuan == Decimal("1500000")
    assert not third.sections["carried"] and "平方米" not in third.answer
    # another region again, a new sum under another name: nothing earlier is applied
    fourth = policy_assistant.ask("潍坊企业搞技术改造，买新设备花了800万，能补多少？", session_id=session)
    amounts = [c for c in fourth.calculations if c.amount_yuan]
    assert fourth.calculation.amount_yuan == Decimal("800000"), fourth.answer
    assert all(c.clause_id == fourth.calculation.clause_id for c in amounts)
    assert "沿用上文" not in fourth.answer and "国家级" not in fourth.answer.split("依据")[0]
    assert fourth.answer.startswith("已失效，仅供参考")


def test_carry_over_keeps_only_what_the_turn_does_not_replace():
    from decimal import Decimal

    from assistant.chat.assistant import carry_over

    earlier = {"采购发票总价": Decimal("6000000"), "台套数": Decimal("30"), "级别": "省级"}
    assert carry_over(earlier, {"台套数": Decimal("60")}) == {"采购发票总价": Decimal("6000000"), "级别": "省级"}
    # a sum under another name of the same kind replaces the earlier sum
    assert "采购发票总价" not in carry_over(earlier, {"金额（花了）": Decimal("10000000")})
    # a level replaces a level
    assert "级别" not in carry_over(earlier, {"级别": "国家级"})
