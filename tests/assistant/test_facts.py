"""Reading figures and levels from users' own words; later turns update earlier facts."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from assistant.question.facts import extract_facts

CASES = [
    ("我们公司投资800万元建了物流信息平台", {"投资额": D(8000000)}),
    ("投了800万，能拿多少", {"投资额": D(8000000)}),
    ("总投资1.5亿", {"投资额": D(150000000)}),
    ("项目投资八百万", {"投资额": D(8000000)}),
    ("买了20台数控设备，发票总价2500万元不含税", {"台套数": D(20), "采购发票总价": D(25000000)}),
    ("采购了60台（套）", {"台套数": D(60)}),
    ("今年进出口额增长18%", {"进出口额增速": D("0.18")}),
    ("主营业务收入增速20%", {"年主营业务收入增速": D("0.20")}),
    ("增长了16.5%", {"增速": D("0.165")}),
    ("我们是国家级工业设计中心", {"级别": "国家级"}),
    ("刚评上4A级物流企业", {"级别": "AAAA"}),
    ("评为AAAAA物流企业", {"级别": "AAAAA"}),
    ("获得了二等奖", {"级别": "二等奖"}),
    ("主导制定了一项国家标准", {"级别": "国家标准"}),
    ("我是博士，想在泉州创业", {"学历": "博士"}),
    ("辅导费用60万", {"辅导费用": D(600000)}),
    ("担保余额1亿元", {"担保责任余额": D(100000000)}),
    ("研发费用500万元", {"研发费用": D(5000000)}),
    ("设备购置款3000万元", {"设备购置款": D(30000000)}),
    ("年交易额3亿元", {"年交易额": D(300000000)}),
    ("营业收入1.2亿", {"年主营业务收入": D(120000000)}),
    ("离岸外包业务120万美元", {"离岸服务外包业务额": "120万美元"}),
    ("服务了350家企业", {"服务企业数": D(350)}),
    ("建设面积300平方米，投入300万元", {"建设面积": D(300), "投入资金": D(3000000)}),
    ("每期培训120人", {"培训人员数": D(120)}),
    ("签了一年的辅导服务合同，现场辅导90天", {"服务年限": D(1), "现场辅导天数": D(90)}),
    ("2023年服务合同金额600万", {"年服务合同总金额": D(6000000)}),
    ("网上销售额占比60%", {"网上销售额占比": D("0.6")}),
    ("能拿多少补贴？", {}),
    # events counted for '每场/每届给予…' rules; an order ('第一次') or a phase ('一期') is not a count
    ("协会办了3场大学生工业设计坊", {"场次数": D(3)}),
    ("比赛已经举办两届了", {"场次数": D(2)}),
    ("第一次申请", {}),
    ("一期工程投了800万", {"投资额": D(8000000)}),
    # '个' between a number and 亿; a sum said as a bound ('过了', '突破') is kept as said; a negated one is not a bound
    ("去年营收做到了12个亿", {"年主营业务收入": D(1200000000)}),
    ("主营业务收入第一次过了1亿", {"年主营业务收入": "超过100000000元"}),
    ("年交易额突破3亿元", {"年交易额": "超过300000000元"}),
    ("服务企业突破300家", {"服务企业数": "超过300家"}),  # the same bound words for counts as for money
    ("营业收入从来没过过5个亿", {"年主营业务收入": D(500000000)}),
    # an upgrade between two grades: the grade before and the steps up
    ("前年评上AAA级，今年升到AAAAA级", {"级别": "AAAAA", "原级别": "AAA", "晋升等级数": D(2)}),
    ("我们是AAAA级，想问AAA级的标准", {"级别": "AAA"}),
    # Chinese decimals; '一家企业' names the subject and counts nothing
    ("担保余额一点五亿", {"担保责任余额": D(150000000)}),
    ("嘉兴一家做软件的企业", {}),
    ("给一家企业做了配送", {}),
    # one figure a year, for an award repeated year by year
    ("获奖后三年营收增速分别是16%、21%、17%", {"年主营业务收入增速": D("0.16"), "年主营业务收入增速（逐年）": "16%、21%、17%"}),
    # growth as people say it; '涨了一点' is 'a little'
    ("第二年营业收入又涨了二十个点", {"年主营业务收入增速": D("0.2")}),
    ("营收增速18个百分点", {"年主营业务收入增速": D("0.18")}),
    ("销量涨了一点", {}),
    # '万次' is a count, not money
    ("标识解析量达到3000万次", {"标识解析总量": D(30000000)}),
    # areas: 平方米 / 平米 / ㎡ / 平 / 万平方米 are 平方米; 亩 stays its own unit
    ("新建了一个1.5万平米的仓库", {"新建面积": D(15000)}),
    ("厂房建了2000㎡", {"建设面积": D(2000)}),
    ("场地800平，有3个平台", {"建设面积": D(800)}),
    ("项目占地30亩", {"用地面积": "30亩"}),
    # sums without a telling word are kept with the words before them; sums about the subsidy are not figures
    ("软件升级花了50万", {"金额（软件升级花了）": D(500000)}),
    ("这一年合计1000万", {"金额（这一年）": D(10000000)}),
    ("补贴最高100万吗", {}),
    ("能拿50万的补助吗", {}),
    ("区里这一块能补多少", {}),
    ("租了两块场地", {}),
]


@pytest.mark.parametrize("text, want", CASES, ids=[c[0][:10] for c in CASES])
def test_extract_facts(text, want):
    got = extract_facts(text)
    for key, value in want.items():
        assert got.get(key) == value, got
    if not want:
        assert got == {}


def test_later_turns_update_earlier_facts():
    first = extract_facts("我们建物流信息平台，投资800万元")
    second = extract_facts("是国家级的", previous=first)
    assert second == {"投资额": D(8000000), "级别": "国家级"}
    third = extract_facts("不对，投资是1200万", previous=second)
    assert third["投资额"] == D(12000000) and third["级别"] == "国家级"
    assert first == {"投资额": D(8000000)}  # the previous dict is not modified


def test_empty_and_none():
    assert extract_facts("") == {}
    assert extract_facts(None, previous={"级别": "省级"}) == {"级别": "省级"}


def test_several_unlabelled_sums_are_all_kept():
    got = extract_facts("第一期花了20万，第二期花了35万")
    assert got == {"金额（第一期花了）": D(200000), "金额（第二期花了）": D(350000)}


def test_area_is_never_read_as_money():
    got = extract_facts("新建1.2万平方米仓库，投资1500万")
    assert got == {"新建面积": D(12000), "投资额": D(15000000)}


@pytest.mark.parametrize("text, key, said", [
    ("现场辅导超过60天", "现场辅导天数", "超过60天"),
    ("现场辅导60天以上", "现场辅导天数", "60天以上"),
    ("服务了至少300家企业", "服务企业数", "至少300家"),
])
def test_counts_said_as_bounds_are_kept_as_said(text, key, said):
    assert extract_facts(text)[key] == said


def test_a_head_count_is_read_across_a_relative_clause():
    from assistant.question.facts import extract_facts

    assert extract_facts("去年招了12个在本市连续居住满一年的残疾人，能补多少？")["人数"] == 12
    assert extract_facts("聘用了3个持证上岗的护理员")["人数"] == 3
    assert extract_facts("接收了7个退役士兵")["人数"] == 7
    # not across a comma, and a project stays a project
    assert "人数" not in extract_facts("做了3个项目，参与的人很多")
