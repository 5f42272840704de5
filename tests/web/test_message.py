"""The chat message: [n] markers tied to their cards, 复制回答 with 文号 and validity,
suggested follow-ups and the 👍/👎 tools; every text escaped. Invented records, no index."""
from __future__ import annotations

import html
import re

from assistant.records import Answer, Citation
from assistant.web.message import answer_message, copy_text, marked

EVIL = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&'


def _cite(cid: str, path: str, validity: str = "有效", number: str = "某政〔2030〕1号", until: str = "2031-12-31"):
    return Citation(doc_id=cid.split("/")[0], title=f"{cid.split('/')[0]}扶持办法", doc_number=number,
                    issuer="某市人民政府", clause_id=cid, display_path=path, path=(path,), quote="给予补助10万元",
                    start=0, end=8, validity=validity, valid_until=until)


def _answer(**kw) -> Answer:
    a = _cite("docA/1", "二、（一）")
    b = _cite("docB/3", "三、", validity="已失效", number="", until="2020-12-31")
    sections = {"verdict": "可获补助10万元（甲市 · 二、（一））", "verdict_kind": "amount",
                "amount": {"amount_wan": "10万元", "amount_yuan": "100000", "formula": ["100万元 × 10% = 10万元"]},
                "suggestions": [{"text": "投资额＿万元，能补多少？", "kind": "fill"},
                                {"text": "如果是国家级呢？", "kind": "send"}]}
    text = f"可获补助10万元（甲市 · 二、（一））\n\n依据：{a.line}\n原文：“给予补助10万元”\n\n依据：{b.line}"
    return Answer(question="甲市投资100万元能补多少？", answer=text, citations=[a, b, a], sections=sections,
                  session_id="s1", **kw)


def test_markers_follow_the_lines_that_name_a_clause_and_match_the_cards():
    ans = _answer()
    out = answer_message(ans, ['<details class="pa-card"><span class="pa-ref">[1]</span></details>',
                               '<details class="pa-card"><span class="pa-ref">[2]</span></details>'],
                         {"docA/1": "甲市", "docB/3": "乙市"})
    verdict = out[out.index("pa-verdict"):out.index("</div>")]
    assert re.findall(r'class="pa-refmark"[^>]*>\[(\d)\]', verdict) == ["1"]  # the verdict names 甲市 · 二、（一）
    full = out[out.index("pa-full"):out.index("pa-cards")]
    assert re.findall(r'class="pa-refmark"[^>]*>\[(\d)\]', full) == ["1", "1", "2"]


def test_llm_style_marks_in_the_text_become_markers_only_for_known_references():
    firsts = {1: _cite("docA/1", "二、")}
    out = marked("按规定给予补助[1]，另见[7]。", firsts, {})
    assert out.count('class="pa-refmark"') == 1 and "[7]" in out


def test_copy_answer_carries_verdict_amount_number_and_validity():
    text = copy_text(_answer())
    first, *rest = text.split("\n")
    assert first == "结论：可获补助10万元（甲市 · 二、（一））"
    assert "金额：10万元，算法：100万元 × 10% = 10万元" in text
    assert "[1] 《docA扶持办法》（某政〔2030〕1号）某市人民政府 · 二、（一）【有效，有效期至2031-12-31】" in rest
    # an expired document is marked, a missing 文号 is said
    assert "[2] 《docB扶持办法》（无文号）某市人民政府 · 三、【已失效，有效期至2020-12-31，仅供参考】" in rest


def test_suggestions_and_feedback_tools_are_buttons_with_escaped_data():
    ans = _answer()
    ans.sections["suggestions"].append({"text": EVIL, "kind": "send"})
    ans.question = EVIL
    out = answer_message(ans, [])
    assert "<script" not in out and "<img" not in out
    assert out.count('class="pa-sugg ') == 3 and out.count("pa-sugg-fill") == 1
    assert "pa-fb-up" in out and "pa-fb-down" in out and '<span class="pa-payload pa-p-session">s1</span>' in out
    assert "data-" not in out  # the chat's sanitizer would drop it: everything travels as text
    copied = "\n".join(html.unescape(x) for x in re.findall(r'<span class="pa-payload pa-p-copy">([^<]*)</span>', out))
    assert copied == copy_text(ans)
    assert re.search(r"答复方式：内置答复</div></div>$", out)  # the mode line stays last (tests find answers by it)
