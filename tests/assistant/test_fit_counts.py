"""fit._Joined.count: how many clauses hold a term. After a few counts it switches to a per-character
list of clauses (only those holding the term's rarest character are searched); the counts must equal
a plain count over every clause whichever way they are taken."""
from __future__ import annotations

import random
from types import SimpleNamespace

from assistant.answer.fit import _Joined

WORDS = ["物流", "平台", "补助", "奖励", "企业", "投资", "万元", "不超过", "研发", "设备", "人才", "园区", "首次", "认定"]


def _kb(texts):
    return SimpleNamespace(clauses={f"d/{i}": SimpleNamespace(embed_text=t) for i, t in enumerate(texts)})


def test_counts_equal_a_plain_count_before_and_after_the_character_lists():
    rng = random.Random(7)
    texts = ["".join(rng.choice(WORDS) for _ in range(rng.randint(1, 12))) for _ in range(300)]
    joined = _Joined(_kb(texts))
    terms = WORDS + ["物流平台", "补助奖励", "火星", "不超过万元", "流平", "认定首次认定", "x"]
    for round_ in range(3):  # the first 16 counts search the joined text, the rest the lists
        for term in terms:
            assert joined.count(term) == sum(term in t for t in texts), (round_, term)
    assert joined._by_char is not None
    assert joined.count("") == len(texts)
