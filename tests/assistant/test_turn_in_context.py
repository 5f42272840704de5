"""A short turn that finds nothing on its own is read as asked of the previous question —
only when a clause of that reading holds the turn's own word, and never when the turn names a
thing no document mentions. Invented documents, the real model, a real index in a temp dir."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

LODGING = """滁州市人民政府办公室关于支持青年来滁就业创业的若干措施

滁政办〔2026〕9号

一、青年驿站
为来滁求职的高校毕业生提供最长15天免费住宿，每年可申请一次。

二、就业见习补贴
企业吸纳离校两年内未就业高校毕业生参加就业见习的，按每人每月1500元给予见习补贴，补贴期限最长12个月。

三、创业场地支持
青年在市级创业孵化基地创办企业的，前两年免收场地租金。

四、附则
本措施自2026年1月1日起施行，有效期至2028年12月31日。
"""

FREIGHT = """宣城市人民政府关于促进冷链物流发展的若干措施

宣政〔2026〕4号

一、冷库建设补助
新建冷库容积1万立方米以上的，按设备投资额的8%给予补助，最高不超过100万元。

二、冷链车辆购置补贴
企业购置新能源冷藏车的，每辆给予2万元补贴。

三、附则
本措施自2026年3月1日起施行，有效期三年。
"""


@pytest.fixture(scope="module")
def chat(kb, settings, tmp_path_factory):
    from assistant.chat.assistant import Assistant
    from index.ingest.pipeline import build_index
    from index.store.knowledge import KnowledgeBase

    root = tmp_path_factory.mktemp("context")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "chuzhou-youth.txt").write_text(LODGING, encoding="utf-8")
    (corpus / "xuancheng-cold-chain.txt").write_text(FREIGHT, encoding="utf-8")
    s = settings.with_(data_dir=root / "data", corpus_dir=corpus)
    assert build_index(s, progress=False, embedder=kb.embedder).ok
    return Assistant(KnowledgeBase.open(s, embedder=kb.embedder), s)


def test_a_short_turn_is_answered_in_the_context_of_the_last_question(chat):
    sid = chat.new_session()
    first = chat.ask("滁州对来求职的毕业生有住宿上的支持吗？", sid)
    assert not first.refused and first.citations[0].clause_id.endswith("/1")
    alone = chat.ask("最长能住几天？")  # no conversation: nothing to read it with
    assert alone.refused
    turn = chat.ask("最长能住几天？", sid)
    assert not turn.refused, turn.answer
    assert turn.citations[0].clause_id.endswith("/1") and "最长15天" in turn.citations[0].quote
    assert turn.rewritten_question and "住宿" in turn.rewritten_question  # read with the last question


def test_a_turn_about_a_thing_no_document_mentions_stays_refused(chat):
    sid = chat.new_session()
    assert not chat.ask("滁州对来求职的毕业生有住宿上的支持吗？", sid).refused
    assert chat.ask("有没有人才公寓？", sid).refused  # 公寓 is in no document


def test_a_question_word_or_an_everyday_noun_beside_the_topics_words_does_not_block_the_reading(chat):
    sid = chat.new_session()
    assert not chat.ask("滁州对来求职的毕业生有住宿上的支持吗？", sid).refused
    # '多长时间' is a question form, not a thing the documents lack
    turn = chat.ask("最多多长时间？", sid)
    assert not turn.refused, turn.answer
    assert turn.citations[0].clause_id.endswith("/1")


def test_an_everyday_noun_is_read_in_context_only_beside_a_word_of_the_previous_documents(chat):
    from assistant.answer.view import BuildView
    from assistant.chat.assistant import _in_context
    from assistant.question.followup import ConversationState

    view = BuildView(chat.kb)
    asked = "滁州对来求职的毕业生有住宿上的支持吗？"
    # '空调' is in no document; '住宿' is the previous answer's document's own word
    on_lodging = ConversationState(question=asked, doc_id="chuzhou-youth", doc_ids=["chuzhou-youth"])
    assert _in_context("住宿那边有空调吗？", on_lodging, view) is not None
    # the same turn after an answer from a document without that word: a turn about something else
    on_cold_chain = ConversationState(question="宣城冷库怎么补？", doc_id="xuancheng-cold-chain",
                                      doc_ids=["xuancheng-cold-chain"])
    assert _in_context("住宿那边有空调吗？", on_cold_chain, view) is None


def test_an_unknown_noun_with_no_word_of_the_topic_stays_refused(chat):
    sid = chat.new_session()
    assert not chat.ask("滁州对来求职的毕业生有住宿上的支持吗？", sid).refused
    assert chat.ask("有没有游艇码头？", sid).refused  # neither 游艇 nor 码头 in any document
