"""The same question gets the same answer: whatever was asked before it (in other sessions),
and in whichever process it is asked. Python salts string hashing per process, so anything
decided by a set's iteration order would change from run to run.

The questions here are written for these tests (not taken from eval/questions)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from assistant.answer import scope as scope_mod
from assistant.chat.assistant import Assistant
from assistant.lexicon.places import Coverage
from index.records import Document

ROOT = Path(__file__).resolve().parents[2]

# place names of one length that overlap in the text: 广西|西安, 海南|南京, 山西|西安
REGIONS = ("广西", "陕西省西安市", "海南", "江苏省南京市", "山西")
QUESTIONS = {
    "广西安排的外贸企业补贴有哪些？": "广西",
    "海南京剧团演出补助怎么申请？": "海南",
    "山西安全生产奖励标准是多少？": "山西",
}


def _kb(*regions):
    docs = {f"d{i}": Document(doc_id=f"d{i}", source_path="x", sha256="", title=f"文件{i}", text="", region=r)
            for i, r in enumerate(regions)}
    return SimpleNamespace(documents=docs)


def test_of_two_overlapping_places_of_one_length_the_leftmost_is_named():
    cov = Coverage.from_kb(_kb(*REGIONS))
    for q, place in QUESTIONS.items():
        assert cov.mentions(q) == [place], q
        assert list(scope_mod.check_question(q, cov).regions) == [place], q
    # a longer name still wins over a shorter one it overlaps, wherever it starts
    assert Coverage.from_kb(_kb("陕西省西安市")).mentions("陕西西安市的补贴") == ["陕西", "西安市"]


_PROBE = """
import json, sys
from types import SimpleNamespace
from index.records import Document
from assistant.answer import scope
from assistant.lexicon.places import Coverage
regions, questions = json.loads(sys.argv[1])
docs = {f"d{i}": Document(doc_id=f"d{i}", source_path="x", sha256="", title="t", text="", region=r)
        for i, r in enumerate(regions)}
cov = Coverage.from_kb(SimpleNamespace(documents=docs))
print(json.dumps([[cov.mention_spans(q), sorted(scope.check_question(q, cov).regions)] for q in questions],
                 ensure_ascii=False))
"""


def test_places_read_from_a_question_do_not_depend_on_the_process_hash_seed():
    arg = json.dumps([REGIONS, list(QUESTIONS)], ensure_ascii=False)
    seen = set()
    for seed in ("0", "1", "2", "3", "4", "5"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", _PROBE, arg], cwd=ROOT, env=env, capture_output=True,
                             text=True, check=True)
        seen.add(out.stdout.strip())
    assert len(seen) == 1, seen
    got = json.loads(seen.pop())
    assert [regions for _, regions in got] == [[p] for p in QUESTIONS.values()]


def _said(answer) -> tuple:
    return answer.answer, answer.refused, [c.clause_id for c in answer.citations], \
        [s.clause.clause_id for s in answer.retrieved]


def test_a_question_after_an_unrelated_one_gets_the_answer_it_gets_alone(kb, settings, tmp_path):
    before = ["泉州对新上规模的工业企业有什么奖励？", "你好", "嘉兴工业设计中心认定后补助多少？"]
    after = "上海对外贸企业出口有什么支持措施？"
    alone = Assistant(kb, settings.with_(data_dir=tmp_path / "alone")).ask(after, session_id="b")
    busy = Assistant(kb, settings.with_(data_dir=tmp_path / "busy"))
    for i, q in enumerate(before):
        busy.ask(q, session_id=f"a{i}")
    assert _said(busy.ask(after, session_id="b")) == _said(alone)
