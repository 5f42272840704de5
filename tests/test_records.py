"""The shared records: money formatting and validity judgement."""
import datetime as dt
from decimal import Decimal

import pytest

from index.records import EXPIRED, NOT_STATED, NOT_YET, VALID, Document
from assistant.records import Citation, format_wan


@pytest.mark.parametrize(
    "yuan, text",
    [
        (Decimal("400000"), "40万元"),
        (Decimal("25000"), "2.5万元"),
        (Decimal("3000"), "0.3万元"),
        (Decimal("5000000"), "500万元"),
        (Decimal("0"), "0万元"),
        (Decimal("123456.78"), "12.345678万元"),
    ],
)
def test_format_wan_is_exact(yuan, text):
    assert format_wan(yuan) == text


def _doc(**kw):
    return Document(doc_id="d", source_path="d.txt", sha256="x", title="t", text="", **kw)


def test_validity_against_as_of():
    weifang = _doc(valid_until="2025-12-31")
    assert weifang.validity(dt.date(2025, 12, 31)) == VALID
    assert weifang.validity(dt.date(2026, 1, 1)) == EXPIRED
    assert _doc().validity(dt.date(2026, 11, 21)) == NOT_STATED
    assert _doc(valid_from="2024-05-20").validity(dt.date(2024, 5, 1)) == NOT_YET
    # a start date alone does not say how long the policy runs
    assert _doc(valid_from="2015-08-26").validity(dt.date(2026, 11, 21)) == NOT_STATED
    assert _doc(validity_note="现行有效").validity(dt.date(2026, 11, 21)) == VALID
    assert _doc(validity_note="已失效").validity(dt.date(2026, 11, 21)) == EXPIRED
    # a month-only end date runs to the end of that month
    assert _doc(valid_until="2016-06").validity(dt.date(2016, 6, 30)) == VALID
    assert _doc(valid_until="2016-06").validity(dt.date(2016, 7, 1)) == EXPIRED


def test_citation_line_reads_out_title_number_issuer_path():
    c = Citation(doc_id="d", title="泉州市人民政府关于发展服务型制造专项行动计划的实施意见",
                 doc_number="泉政文〔2015〕95号", issuer="泉州市人民政府办公室", clause_id="d/2.4",
                 display_path="二、（四）", path=("二、大力推进服务平台建设",), quote="q", start=0, end=1)
    assert c.line == ("《泉州市人民政府关于发展服务型制造专项行动计划的实施意见》（泉政文〔2015〕95号）"
                      "泉州市人民政府办公室 · 二、（四）")
    no_number = Citation(**{**c.__dict__, "doc_number": ""})
    assert "（" not in no_number.line.split("》")[1].split("·")[0]
