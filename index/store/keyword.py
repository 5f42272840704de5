"""The keyword side of retrieval: BM25 over jieba tokens, persisted beside the vectors.

    tokenize(text) -> list[str]                    jieba search-mode words, no punctuation/stopwords
    KeywordIndex.build(ids, texts) -> KeywordIndex
    KeywordIndex.save(folder) / KeywordIndex.load(folder)
    KeywordIndex.scores(query) -> {id: score}      every clause with a positive score

Numbers and units are kept as tokens ("500", "万元", "%") because hotline questions
turn on them ("投资500万元", "增长20%").
"""
from __future__ import annotations

import json
import logging
import re
import threading
from pathlib import Path

_jieba = None
_jieba_lock = threading.Lock()

# Function words that carry no topic; kept short on purpose so that policy words
# like 不 / 以上 / 以下 (thresholds) still count.
STOPWORDS = frozenset(
    """的 了 和 与 及 或 等 在 对 是 为 把 被 由 从 向 于 其 之 而 也 都 就 还 又 并 即 则 但
    我 我们 你 你们 他 她 它 他们 这 那 这个 那个 这些 那些 什么 怎么 怎样 如何 哪些 哪个 多少
    吗 呢 吧 啊 呀 么 嘛 能 能否 可以 可 会 要 想 请问 请 一下 有没有 有 没有 个 些 啥 咋
    a an the of and or to in on for is are""".split()
)
# A token made only of punctuation, symbols or whitespace (percent and units survive:
# "%" is kept because rates are asked about).
# Hotline words → the words policy texts use for the same thing. Applied to questions
# only (the index keeps the documents' own words). General vocabulary, not per-question.
QUERY_SYNONYMS = {
    "补贴": ("补助",), "资助": ("补助",), "奖金": ("奖励",), "奖": ("奖励",), "钱": ("资金",),
    "到期": ("有效期",), "过期": ("有效期", "失效"), "失效": ("有效期",), "管用": ("有效",),
    "有效": ("有效期",), "作废": ("有效期", "失效"),
    "电商": ("电子商务",), "网店": ("网络零售",), "贷款": ("信贷", "融资"), "借钱": ("融资",),
    "交税": ("税收",), "纳税": ("税收",), "税": ("税收",), "减税": ("税收", "优惠"),
    "5a": ("aaaaa",), "4a": ("aaaa",), "3a": ("aaa",),
    "买": ("购买", "采购"), "厂": ("工厂", "企业"), "公司": ("企业",),
}
_PUNCT = re.compile(r"^[\s\W_]+$", re.UNICODE)
_KEEP_SYMBOLS = frozenset({"%", "％", "‰"})


def _get_jieba():
    global _jieba
    with _jieba_lock:
        if _jieba is None:
            import jieba

            # jieba logs its dictionary build at DEBUG/INFO on stderr; not for CLI users.
            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            _jieba = jieba
    return _jieba


def tokenize(text: str) -> list[str]:
    """Chinese/English text → lower-cased search tokens (jieba search mode).

    Punctuation and stopwords are dropped; numbers, units and % are kept.
    """
    jieba = _get_jieba()
    out = []
    for tok in jieba.lcut_for_search(text or ""):
        tok = tok.strip().lower()
        if not tok:
            continue
        if tok in _KEEP_SYMBOLS:
            out.append("%")
            continue
        if _PUNCT.match(tok) or tok in STOPWORDS:
            continue
        out.append(tok)
    return out


def expand_query(tokens: list[str], text: str = "", vocab=None) -> list[str]:
    """Question tokens + the policy-text synonyms of colloquial ones (QUERY_SYNONYMS), + the
    official terms of the everyday phrases ``text`` holds (data/everyday_terms.tsv), when on —
    only for a phrase the indexed documents do not use as a word themselves (``vocab``): the
    documents' own word needs no translation."""
    out = list(tokens)
    for tok in tokens:
        out.extend(s for s in QUERY_SYNONYMS.get(tok, ()) if s not in out)
    if text and everyday_on():
        for phrase, official in everyday_terms():
            if phrase in text and (vocab is None or phrase not in vocab):
                out.extend(t for t in official if t not in out)
    return out


EVERYDAY = Path(__file__).with_name("data") / "everyday_terms.tsv"


def everyday_on() -> bool:
    """POLICY_EVERYDAY_TERMS (index/config; default on): 0/false/no/off searches with the question's words only."""
    from index.config import everyday_terms_enabled

    return everyday_terms_enabled()


_EVERYDAY: list[tuple[str, list[str]]] | None = None


def everyday_terms() -> list[tuple[str, list[str]]]:
    """(everyday phrase, its official terms as search tokens) from data/everyday_terms.tsv, longest
    phrase first; read once."""
    global _EVERYDAY
    if _EVERYDAY is None:
        rows = []
        for line in EVERYDAY.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            phrase, _, terms = line.partition("\t")
            toks = [t for term in terms.split() for t in tokenize(term)]
            if phrase.strip() and toks:
                rows.append((phrase.strip(), list(dict.fromkeys(toks))))
        _EVERYDAY = sorted(rows, key=lambda r: -len(r[0]))
    return _EVERYDAY


class KeywordIndex:
    """BM25 (bm25s, Lucene variant) over ``tokenize``d clause texts, addressed by clause id."""

    IDS_FILE = "ids.json"

    def __init__(self, ids: list[str], model):
        self.ids = list(ids)
        self._model = model
        self._positions = {cid: i for i, cid in enumerate(self.ids)}

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> "KeywordIndex":
        """Parallel lists of clause ids and texts → an in-memory index."""
        import bm25s

        if len(ids) != len(texts):
            raise ValueError(f"{len(ids)} ids for {len(texts)} texts")
        model = bm25s.BM25()
        if ids:
            model.index([tokenize(t) for t in texts], show_progress=False)
        return cls(ids, model)

    def save(self, folder: Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        if self.ids:
            self._model.save(str(folder), show_progress=False)
        (folder / self.IDS_FILE).write_text(json.dumps(self.ids, ensure_ascii=False), "utf-8")

    @classmethod
    def load(cls, folder: Path) -> "KeywordIndex":
        folder = Path(folder)
        ids = json.loads((folder / cls.IDS_FILE).read_text("utf-8"))
        model = None
        if ids:
            try:
                model = _SavedScores(folder)
            except (ValueError, KeyError, OSError):  # a variant or layout this reader does not know
                import bm25s

                model = bm25s.BM25.load(str(folder), show_progress=False, verbosity=0)
        return cls(ids, model)

    def _raw(self, query: str):
        """Query text → BM25 score per indexed clause (numpy array, ids order), or None."""
        if not self.ids:
            return None
        vocab = self._model.vocab_dict
        tokens = expand_query(tokenize(query), query, vocab)
        if not tokens:
            return None
        known = [t for t in tokens if t in vocab]
        if not known:
            return None
        return self._model.get_scores(known)

    def scores(self, query: str) -> dict[str, float]:
        """Query text → {clause_id: BM25 score} for clauses sharing at least one token."""
        import numpy as np

        raw = self._raw(query)
        if raw is None:
            return {}
        return {self.ids[i]: float(raw[i]) for i in np.flatnonzero(raw > 0)}

    def search(self, query: str, top_n: int = 30, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """Query → up to ``top_n`` (clause_id, score), best first (ties by id), within ``allowed`` ids if given.

        Selects in numpy: a common word gives thousands of clauses a positive score on a large
        corpus, and building and sorting them all in Python cost more than the scoring.
        """
        import numpy as np

        raw = self._raw(query)
        if raw is None or top_n <= 0:
            return []
        idx = np.flatnonzero(raw > 0)
        if allowed is not None:
            keep = np.fromiter((self._positions[c] for c in allowed if c in self._positions), dtype=np.int64)
            idx = np.intersect1d(idx, keep)
        if len(idx) > top_n:
            # everything scoring at least the top_n-th best: the sort below breaks its ties by id
            values = raw[idx]
            cut = np.partition(values, len(values) - top_n)[len(values) - top_n]
            idx = idx[values >= cut]
        hits = [(self.ids[i], float(raw[i])) for i in idx]
        return sorted(hits, key=lambda kv: (-kv[1], kv[0]))[:top_n]


class _SavedScores:
    """A saved bm25s index read with numpy alone (bm25s imports scipy: 0.6-0.85 s of a cold start):
    ``vocab_dict`` and ``get_scores(tokens)``, the same arithmetic as ``bm25s.BM25.get_scores``."""

    def __init__(self, folder: Path):
        import numpy as np

        params = json.loads((folder / "params.index.json").read_text("utf-8"))
        if params.get("method") not in ("lucene", "robertson", "atire") or (folder / "nonoccurrence_array.index.npy").exists():
            raise ValueError("only variants without a non-occurrence array")
        self.vocab_dict = json.loads((folder / "vocab.index.json").read_text("utf-8"))
        self.data = np.load(folder / "data.csc.index.npy")
        self.indices = np.load(folder / "indices.csc.index.npy")
        self.indptr = np.load(folder / "indptr.csc.index.npy")
        self.num_docs = int(params["num_docs"])
        self.dtype = np.dtype(params.get("dtype", "float32"))
        self.int_dtype = np.dtype(params.get("int_dtype", "int32"))

    def get_scores(self, tokens: list[str]):
        import numpy as np

        ids = np.asarray([self.vocab_dict[t] for t in tokens if t in self.vocab_dict], dtype=self.int_dtype)
        starts, ends = self.indptr[ids], self.indptr[ids + 1]
        scores = np.zeros(self.num_docs, dtype=self.dtype)
        for start, end in zip(starts, ends):
            np.add.at(scores, self.indices[start:end], self.data[start:end])
        return scores
