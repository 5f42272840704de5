"""Where to cut off irrelevant search hits: the top hit's evidence for real queries vs garbage.

    python benchmarks/bench_search_cutoff.py [--data-dir DIR]

Real queries: every answerable question of eval/questions/*.jsonl (their text is read, never
printed) and hotline-style keyword queries; garbage: off-topic sentences and random characters.
Prints, per group, the distribution of the top hit's dense cosine, its BM25 score and the share
of the query's Chinese bigrams found in the top clause, and how each candidate cutoff splits
the two groups (real queries lost vs garbage kept).
"""
from __future__ import annotations

import argparse
import json
import random
import statistics

from common import REPO

KEYWORD_QUERIES = ["工业机器人 补助", "物流公共信息平台", "工业设计中心 奖励", "首台套 保险补偿", "跨境电商 物流费用",
                   "研发费用 加计扣除", "服务外包 补助", "技术改造 设备补贴", "专精特新 小巨人", "示范物流园区",
                   "网络零售 原创品牌", "众创空间", "制造业单项冠军", "标准 制修订 奖励", "仓单 风险补偿",
                   "有效期", "数控一代", "智能工厂 数字化车间", "两业融合 试点", "培训 补助"]
OFF_TOPIC = ["今天天气怎么样", "红烧肉怎么做才好吃", "周末去哪里看电影", "这首歌叫什么名字", "我的猫不吃饭怎么办",
             "明天股市会涨吗", "世界杯冠军是谁", "怎么学好英语口语", "手机屏幕碎了怎么修", "推荐一本好看的小说",
             "how do I bake bread", "asdfghjkl qwerty", "你好", "哈哈哈哈", "火星上有水吗", "孩子发烧了怎么办",
             "高铁票怎么退", "减肥吃什么好", "足球比赛几点开始", "钢琴考级难不难"]


def random_cjk(rng: random.Random, n: int) -> str:
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(n))


def bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1) if all("\u4e00" <= ch <= "\u9fff" for ch in text[i:i + 2])}


def evidence(kb, q: str) -> dict:
    hits = kb.search(q, k=1, mode="hybrid")
    if not hits:
        return {"dense": 0.0, "bm25": 0.0, "overlap": 0.0}
    h = hits[0]
    qb = bigrams(q)
    return {"dense": float(h.dense_score or 0.0), "bm25": float(h.bm25_score or 0.0),
            "overlap": len(qb & bigrams(h.clause.text + "".join(h.clause.path))) / len(qb) if qb else 0.0}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir")
    args = ap.parse_args()
    from index.config import Settings
    from index.store.knowledge import KnowledgeBase
    from pathlib import Path

    s = Settings()
    if args.data_dir:
        s = s.with_(data_dir=Path(args.data_dir))
    kb = KnowledgeBase.open(s)
    real = []
    for f in sorted((REPO / "eval" / "questions").glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row.get("answerable") and row.get("question"):
                real.append(row["question"])
    rng = random.Random(7)
    garbage = OFF_TOPIC + [random_cjk(rng, rng.randint(4, 16)) for _ in range(30)]
    groups = {"eval questions (answerable)": real, "keyword queries": KEYWORD_QUERIES, "garbage": garbage}
    rows = {name: [evidence(kb, q) for q in qs] for name, qs in groups.items()}
    for name, ev in rows.items():
        print(f"== {name}: n={len(ev)}")
        for key in ("dense", "bm25", "overlap"):
            vals = sorted(e[key] for e in ev)
            print(f"  {key:8s} min {vals[0]:.3f}  p05 {vals[len(vals) // 20]:.3f}  median {statistics.median(vals):.3f}"
                  f"  max {vals[-1]:.3f}")
    real_ev = rows["eval questions (answerable)"] + rows["keyword queries"]
    print("== candidate cutoffs (a query is irrelevant when the rule holds)")
    for dense in (0.0, 0.70, 0.72, 0.74, 0.76, 0.78, 0.80):
        for overlap in (0.0, 0.1, 0.15, 0.2, 0.25):
            def cut(e):
                return e["dense"] < dense and e["overlap"] < overlap if dense and overlap else (
                    e["dense"] < dense if dense else e["overlap"] < overlap)
            if not dense and not overlap:
                continue
            lost = sum(cut(e) for e in real_ev)
            kept = sum(not cut(e) for e in rows["garbage"])
            print(f"  dense<{dense:.2f} {'and' if dense and overlap else '   '} overlap<{overlap:.2f}: "
                  f"real lost {lost}/{len(real_ev)}, garbage kept {kept}/{len(rows['garbage'])}")


if __name__ == "__main__":
    main()
