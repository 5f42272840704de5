"""Reading a matched clause's words against a profile (invented subjects and profiles)."""
from __future__ import annotations

from assistant.match.reading import grants, names_level, names_subject


def test_a_checked_figure_settles_only_a_rule_whose_subject_the_profile_names():
    subject = "企业投资800万元以上的冷链仓储中心"
    assert not names_subject(subject, "中型五金加工投资3000万元建设项目", checked=("投资额",))
    assert names_subject(subject, "投资1200万元新建冷链仓储中心", checked=("投资额",))


def test_one_alternative_of_a_subject_is_enough_and_a_level_alone_is_not():
    subject = "被认定为国家级、省级和市级企业技术中心、工程技术研究中心的企业"
    assert names_subject(subject, "获评省级工程技术研究中心")
    assert not names_subject("新认定的国家级先进制造业集群", "新认定为省级制造业单项冠军")
    assert names_level("省级智能工厂", "新入选省级智能工厂")
    assert not names_level("省级智能工厂", "新入选省级工业互联网平台")
    assert names_level("省级", "获评省级") is None  # a bare grade says nothing of what was won


def test_a_sentence_that_grants_nothing_is_told_apart():
    assert grants("对新建的冷链仓储中心给予一次性奖励")
    assert grants("优先纳入重点项目库")
    assert not grants("责任单位：市商务局、市财政局。")
    assert not grants("到2030年，全市规上工业增加值突破5000亿元。")
