"""index/clause_headings.py: which markers open a clause (plain strings, no model)."""
from __future__ import annotations

from index.ingest.headings import find_headings


def _marks(text: str) -> list[tuple[str, int, int, str]]:
    return [(h.kind, h.num, h.volume, text[h.start:h.marker_end]) for h in find_headings(text)]


def test_body_text_numbers_and_skipped_numbers_are_not_headings():
    text = ("一、总则\n企业获得一、二、三等奖的，给予奖励。\n（一）支持创新。鼓励研发。\n"
            "（三）跳号的不算。\n二、附则\n本办法自发布之日起施行。")
    assert _marks(text) == [("cn", 1, 1, "一、"), ("pcn", 1, 1, "（一）"), ("cn", 2, 1, "二、")]


def test_numbering_restarting_after_sentences_is_a_second_document():
    text = "一、第一份\n内容。\n二、其他\n内容。\n一、第二份\n内容。"
    assert [(k, n, v) for k, n, v, _ in _marks(text)] == [("cn", 1, 1), ("cn", 2, 1), ("cn", 1, 2)]


def test_a_table_of_contents_is_dropped():
    text = "一、总则\n二、措施\n一、总则\n企业可申请。\n二、措施\n给予补助。"
    heads = find_headings(text)
    assert [h.num for h in heads] == [1, 2] and heads[0].start == text.index("一、总则\n企业")


def test_inline_heading_after_a_short_title_and_chain():
    text = "一、支持创新（一）鼓励研发。给予补助。\n（二）支持转化。给予奖励。"
    heads = find_headings(text)
    assert [(h.kind, h.num) for h in heads] == [("cn", 1), ("pcn", 1), ("pcn", 2)]
    assert [o.kind for o in heads[-1].chain] == ["cn", "pcn"]


def test_a_first_chapter_glued_to_the_title_opens_the_document():
    # a scrape without line breaks: "…管理办法第一章总则第一条…"; its sibling 第二章 follows a sentence end
    text = "某市资金管理办法第一章总则第一条为规范管理，制定本办法。第二条本办法适用于全市。第二章申报第三条企业可申请。"
    assert [(k, n) for k, n, _, _ in _marks(text)] == [("章", 1), ("条", 1), ("条", 2), ("章", 2), ("条", 3)]
    # a 第一章 named in body text, with no 第二章 after a sentence end, is not a heading
    assert _marks("依照某法第一章的规定执行。") == []


def test_parenthesised_numbers_run_past_ninety_nine():
    items = "".join(f"（{n}）第{n}项任务。\n" for n in range(1, 106))
    assert [n for k, n, _, _ in _marks("一、重点任务\n" + items) if k == "pnum"] == list(range(1, 106))


def test_a_skipped_number_on_its_own_title_line_is_still_a_heading():
    text = "一、职责\n负责协调。\n二、成员\n由各单位组成。\n四、规则\n（一）每季度开会。\n五、要求\n各单位落实。"
    assert [(k, n) for k, n, _, _ in _marks(text)] == [("cn", 1), ("cn", 2), ("cn", 4), ("pcn", 1), ("cn", 5)]
    # a skipped number inside a sentence, or with a running sentence after it, is body text
    assert [n for k, n, _, _ in _marks("一、职责\n负责协调。\n二、成员\n见四、五项。\n四、各单位要按分工抓好落实，确保完成。")
            if k == "cn"] == [1, 2]
