"""index/store/jieba_dict.py: jieba read per first character from the split cache cuts exactly as
jieba with its whole dictionary (jieba's own dictionary, no model)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jieba
import jieba.posseg
import pytest

from index.store import jieba_dict

TEXTS = Path(__file__).parents[1] / "data" / "jieba_texts.txt"
DOCS = Path(__file__).parents[1] / "data" / "documents"


def _texts() -> list[str]:
    lines = TEXTS.read_text("utf-8").splitlines()
    docs = [p.read_text("utf-8") for p in sorted(DOCS.iterdir()) if p.is_file()]
    return lines + docs + ["", "   ", "\n".join(lines)]


def _cuts(tok, pos, text: str):
    return (tok.lcut(text), tok.lcut(text, HMM=False), tok.lcut(text, cut_all=True), tok.lcut_for_search(text),
            list(tok.tokenize(text, mode="search")), [(w.word, w.flag) for w in pos.lcut(text)])


@pytest.fixture(scope="module")
def full():
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok, jieba.posseg.POSTokenizer(tok)


@pytest.fixture(scope="module")
def cache(full, tmp_path_factory) -> Path:
    path = jieba_dict.cache_path(tmp_path_factory.mktemp("jieba"))
    jieba_dict.write(path, full[0].FREQ, full[0].total, jieba_dict._word_tags())
    return path


def _lazy(cache):
    tok = jieba.Tokenizer()
    pos = jieba_dict.pos_without_tags(tok)
    return tok, pos, jieba_dict.LazyTables(cache, tok, pos)


def test_lazy_tables_cut_as_the_whole_dictionary(full, cache):
    tok, pos, lazy = _lazy(cache)
    for text in _texts():
        assert _cuts(tok, pos, text) == _cuts(*full, text), text
    # only the entries of the texts' characters were read
    assert 0 < len(lazy.freq) < len(full[0].FREQ) / 4
    assert 0 < len(lazy.tags) < len(full[1].word_tag_tab) / 4


def test_a_word_added_later_cuts_as_with_the_whole_dictionary(cache):
    text = "泉港石化园区的氢能叉车补贴"
    tok, pos, _ = _lazy(cache)
    ref = jieba.Tokenizer()
    ref.initialize()
    for t in (tok, ref):
        t.add_word("氢能叉车", 50000)
    assert tok.lcut(text) == ref.lcut(text)
    assert "氢能叉车" in tok.lcut(text)


def test_a_damaged_cache_is_refused(tmp_path):
    bad = tmp_path / "jieba.dict"
    bad.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00not marshal")
    with pytest.raises((ValueError, EOFError, TypeError)):
        jieba_dict.LazyTables(bad, jieba.Tokenizer())


@pytest.mark.slow  # two fresh processes, the first loads jieba whole and writes the file
def test_install_makes_the_cache_once_then_the_global_jieba_reads_it(tmp_path, full):
    """In fresh processes: the first install makes the file and loads jieba whole (False), the
    second reads it lazily (True); both cut as the whole dictionary does."""
    code = ("import sys, json\n"
            "from index.store import jieba_dict\n"
            "ok = jieba_dict.install(sys.argv[1])\n"
            "import jieba, jieba.posseg\n"
            "t = sys.argv[2]\n"
            "print(json.dumps([ok, jieba.lcut(t), jieba.lcut_for_search(t), [list(w) for w in jieba.posseg.lcut(t)]],"
            " ensure_ascii=False))\n")
    text = TEXTS.read_text("utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    runs = [json.loads(subprocess.run([sys.executable, "-c", code, str(tmp_path), text], capture_output=True,
                                      text=True, check=True, env=env, cwd=Path(__file__).parents[2]).stdout)
            for _ in range(2)]
    assert [r[0] for r in runs] == [False, True]
    assert jieba_dict.cache_path(tmp_path).is_file()
    tok, pos = full
    want = [tok.lcut(text), tok.lcut_for_search(text), [[w.word, w.flag] for w in pos.lcut(text)]]
    assert runs[0][1:] == want and runs[1][1:] == want
