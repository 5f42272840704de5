"""Scope probes: invented near-miss / off-topic / everyday-phrasing questions about DEV documents of
../shared/corpus-extra (R = must refuse, A = must answer). Prints each verdict; the answer text only
when it cites no sealed document.  usage: python eval/scope_probes.py EVAL_DATA_DIR [MANIFEST]
(EVAL_DATA_DIR: the corpus + corpus-extra eval index, <data-dir>/eval/extra-<hash>)."""
import csv
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this tree's code, not the installed one
from index.config import Settings
from index.store.knowledge import KnowledgeBase
from assistant.chat.assistant import Assistant
# Dropped: probes answered from a sealed document whose coverage of the topic cannot be judged here.
PROBES = [
 ("R", "海南省专利奖银奖奖励多少钱？"),
 ("R", "海南省专利奖对注册商标的企业奖励多少？"),
 ("R", "广东个体工商户购买新能源汽车补贴多少？"),
 ("R", "广东个体工商户开网店，平台流量费补贴多少？"),
 ("R", "海南省专利奖对获奖的软件著作权奖励多少？"),
 ("R", "广安花卉苗木的高速公路通行费能减免多少？"),
 ("R", "广安哪家火锅店最好吃？"),
 ("R", "海南省专利奖特等奖奖励多少？"),
 ("A", "海南专利奖优秀奖能拿几万？"),
 ("A", "广东个体户转成公司有什么支持？"),
 ("A", "广安花卉保险有没有保费补贴？"),
 ("R", "广安对花卉苗木出口企业奖励多少钱？"),
 ("R", "广安明天天气怎么样"),
 ("R", "广安市中考分数线是多少？"),
 ("R", "广安对新认定的国家级专精特新小巨人企业奖励多少？"),
 ("A", "海南专利拿了金奖给多少钱？"),
 ("A", "广安搞创业能贷多少款？"),
 ("A", "广东个体户月销售不到10万要交增值税吗？"),
 ("A", "广东个体户参加技能培训有补贴吗？"),
 ("A", "广安招的应届大学生多，能申请多少创业贷款？"),
 ("A", "海南专利奖的奖金发给谁？"),
 ("A", "广安的区县把花卉苗木年度任务都完成了，市里每年奖多少？"),
 ("A", "广东对个体户的水电气费有补贴吗？"),
 ("A", "广州做小微企业担保，担保费率1.5%以下的业务有补助吗？"),
 ("A", "广安开养老院，护理员培训有补贴吗？"),
 ("R", "广州对新引进的外资银行总部奖励多少？"),
 ("R", "吉林招标投标交易服务费减免后，对中标企业再奖励多少？"),
 ("R", "广州小微企业买房能贷多少公积金？"),
]
MANIFEST = sys.argv[2] if len(sys.argv) > 2 else '../shared/corpus-extra/MANIFEST.tsv'
man = {r['file'].rsplit('.', 1)[0]: r['half'] for r in csv.DictReader(open(MANIFEST), delimiter='\t')}
D = sys.argv[1]
s = Settings(data_dir=Path(D), corpus_dir=Path('corpus'), as_of_text='2026-11-21', llm_base_url='', llm_model='')
a = Assistant(KnowledgeBase.open(s), s.with_(data_dir=Path(tempfile.mkdtemp(prefix='probe-sessions-'))))
bad = 0
for want, q in PROBES:
    ans = a.ask(q)
    ok = ans.refused == (want == "R")
    bad += not ok
    cited = [c.doc_id for c in ans.citations][:2]
    sealed = any(man.get(d) == 'sealed' for d in cited)
    head = '(sealed doc cited; text not shown)' if sealed else ans.answer[:110].replace('\n', ' ')
    print('ok ' if ok else 'BAD', want, q, '|', 'refused' if ans.refused else 'answered', cited, '|', head)
print('wrong', bad, 'of', len(PROBES))
