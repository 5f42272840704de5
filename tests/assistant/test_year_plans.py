"""A document that plans the work of one named year ('…2024年度…实施方案') and states no term of
its own: once that year has ended, its validity says so — read from the title's own words
(a year, then a kind of plan from lexicon data/year_plans.tsv), never from a list of documents."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from assistant.answer.compose import plan_year, validity_line, validity_status
from index.records import NOT_STATED, VALID


def _doc(title, status=NOT_STATED):
    return SimpleNamespace(title=title, validity=lambda day: status, dates={"印发": "2024-03-01"},
                           valid_until=None, valid_from=None, validity_note="")


@pytest.mark.parametrize("title, year", [
    ("云岭省工信厅2024年度优化营商环境实施方案", 2024),
    ("2024年青石区政务服务工作要点", 2024),
    ("北川市2024年优化营商环境任务清单", 2024),
    ("北川市优化营商环境行动方案（2024版）", None),       # a version, not a year planned
    ("北川市2024—2026年数字经济行动计划", None),          # a range: its end is a term, read elsewhere
    ("关于2024年推广创新举措的通知", None),               # no kind of plan after the year
    ("北川市促进消费若干措施（2024年5月1日起施行）", None),  # a date, not a year planned
])
def test_the_year_a_title_plans(title, year):
    assert plan_year(_doc(title)) == year


def test_a_past_years_plan_with_no_term_says_the_year_has_ended():
    doc = _doc("云岭省工信厅2024年度优化营商环境实施方案")
    later = dt.date(2026, 11, 21)
    assert "2024年度" in validity_line(doc, later) and "失效" in validity_line(doc, later)
    assert "所涉年度已结束" in validity_status(doc, later)
    same_year = dt.date(2024, 6, 1)
    assert "失效" not in validity_line(doc, same_year) and "未注明有效期" in validity_line(doc, same_year)


def test_a_stated_term_is_never_overridden_by_the_title_year():
    doc = _doc("云岭省工信厅2024年度优化营商环境实施方案", status=VALID)
    doc.valid_until = "2027-12-31"
    assert "所涉年度" not in validity_line(doc, dt.date(2026, 11, 21))
