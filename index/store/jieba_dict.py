"""jieba's dictionary read one first character at a time, from a cache made once per install.

    install(cache_dir) -> bool     the global jieba (and jieba.posseg) read their tables lazily
    LazyTables(path, tokenizer)    the same for one jieba.Tokenizer (and its POSTokenizer)

A cold start spent ~1-2 s in jieba's ``marshal.load`` of its whole prefix dictionary (~580,000
entries) and 0.7-1.3 s more parsing ``dict.txt`` again for the part-of-speech tags, to cut a
question of twenty characters. Every key jieba looks up while cutting a text is a substring of
that text (the DAG's fragments, the words, their 2- and 3-grams), so it only ever needs the
entries that start with one of the text's characters. The cache holds both tables split by
first character (one ``marshal`` blob per character and an offset table); before a text is cut
the blobs of its characters not yet read are merged into the tokenizer's own plain dicts, so the
lookups themselves stay C dict lookups and the cut is the same as with the whole dictionary
(tests compare them). The file (~20 MB) is made from jieba's own dictionary the first time, in
that process's ~2 s (it then holds the full tables), and named by jieba's version and dictionary
file, so an upgraded jieba makes a new one.
"""
from __future__ import annotations

import hashlib
import io
import marshal
import mmap
import os
import sys
import threading
from pathlib import Path

FORMAT = 1


def cache_path(cache_dir: Path) -> Path:
    """Where the split dictionary of the installed jieba lives under ``cache_dir``."""
    import jieba

    dict_file = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
    st = os.stat(dict_file)
    key = f"{FORMAT}/{getattr(jieba, '__version__', '')}/{dict_file}/{st.st_size}/{int(st.st_mtime)}"
    return Path(cache_dir) / f"jieba-{hashlib.sha256(key.encode()).hexdigest()[:16]}.dict"


def _split(table: dict) -> dict[str, bytes]:
    by_char: dict[str, dict] = {}
    for key, value in table.items():
        if key:
            by_char.setdefault(key[0], {})[key] = value
    return {ch: marshal.dumps(part) for ch, part in by_char.items()}


def _word_tags() -> dict[str, str]:
    """word → tag, read from jieba's dictionary as ``POSTokenizer.load_word_tag`` reads it."""
    import jieba

    tags = {}
    with jieba.dt.get_dict_file() as fh:
        for line in fh:
            line = line.strip().decode("utf-8")
            if line:
                word, _, tag = line.split(" ")
                tags[word] = tag
    return tags


def write(path: Path, freq: dict, total: int, tags: dict) -> None:
    """Write the split tables to ``path`` (beside, then renamed into place)."""
    blobs, index = [], {}
    offset = 0
    for name, table in (("freq", freq), ("tags", tags)):
        index[name] = {}
        for ch, blob in _split(table).items():
            index[name][ch] = (offset, len(blob))
            blobs.append(blob)
            offset += len(blob)
    head = marshal.dumps((FORMAT, total, index))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(len(head).to_bytes(8, "little"))
            fh.write(head)
            for blob in blobs:
                fh.write(blob)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class LazyTables:
    """Fills a jieba Tokenizer's ``FREQ`` (and a POSTokenizer's ``word_tag_tab``) from the cache
    at ``path``, the characters of each text before it is cut. Raises OSError / ValueError for a
    missing or damaged file (the caller then loads jieba as usual)."""

    def __init__(self, path: Path, tokenizer, pos=None):
        with open(path, "rb") as fh:
            self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        size = int.from_bytes(self._map[:8], "little")
        fmt, total, index = marshal.loads(self._map[8:8 + size])
        if fmt != FORMAT:
            raise ValueError(f"{path}: format {fmt}, not {FORMAT}")
        self._base = 8 + size
        self._index = index
        self._lock = threading.Lock()
        self.tokenizer, self.pos = tokenizer, None
        self.freq: dict = {}
        self._seen: set[str] = set()
        self.tags: dict = {}
        self._seen_tags: set[str] = set()
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = self.freq, total, True
        for name in ("cut", "get_DAG"):  # every lookup of a cut goes through one of these
            tokenizer.__dict__[name] = self._wrap(getattr(tokenizer, name), self.load)
        for name in ("add_word", "suggest_freq", "del_word"):  # whole-dictionary edits: read it all
            tokenizer.__dict__[name] = self._wrap(getattr(tokenizer, name), lambda _: self.load_all())
        if pos is not None:
            self.attach_pos(pos)

    def attach_pos(self, pos) -> None:
        """Let ``pos`` (a POSTokenizer over this tokenizer, made without tags) read tags lazily."""
        self.pos = pos
        pos.word_tag_tab = self.tags
        inner = pos._POSTokenizer__cut_internal

        def cut_internal(sentence, HMM=True):
            self.load(sentence)
            return inner(sentence, HMM)

        pos.__dict__["_POSTokenizer__cut_internal"] = cut_internal

    def _wrap(self, method, before):
        def wrapped(sentence, *args, **kwargs):
            before(sentence)
            return method(sentence, *args, **kwargs)

        wrapped.__wrapped__ = method
        return wrapped

    def _owned(self) -> bool:
        """False once jieba was pointed at another dictionary (``initialize(path)``): hands off."""
        return self.tokenizer.FREQ is self.freq

    def load(self, text) -> None:
        """Merge the entries that start with a character of ``text`` (not read yet)."""
        if not isinstance(text, str):
            self.load_all()
            return
        chars = set(text)
        need = chars - self._seen
        need_tags = (chars - self._seen_tags) if self.pos is not None else ()
        if (need or need_tags) and self._owned():
            with self._lock:
                self._read("freq", need, self.freq, self._seen)
                if need_tags and self.pos.word_tag_tab is self.tags:
                    self._read("tags", need_tags, self.tags, self._seen_tags)

    def load_all(self, *_) -> None:
        if self._owned():
            with self._lock:
                self._read("freq", set(self._index["freq"]) - self._seen, self.freq, self._seen)
                if self.pos is not None and self.pos.word_tag_tab is self.tags:
                    self._read("tags", set(self._index["tags"]) - self._seen_tags, self.tags, self._seen_tags)

    def _read(self, name: str, chars, table: dict, seen: set) -> None:
        index = self._index[name]
        for ch in chars:
            if ch in seen:
                continue
            where = index.get(ch)
            if where is not None:
                start = self._base + where[0]
                for key, value in marshal.loads(self._map[start:start + where[1]]).items():
                    table.setdefault(key, value)  # an entry added by add_word meanwhile wins
            seen.add(ch)  # after the merge: a reader that sees it seen finds the entries


def pos_without_tags(tokenizer):
    """A jieba POSTokenizer over ``tokenizer`` made without reading ``dict.txt`` (empty tags)."""
    import jieba.posseg

    tokenizer.__dict__["get_dict_file"] = lambda: io.BytesIO(b"")
    try:
        return jieba.posseg.POSTokenizer(tokenizer)
    finally:
        del tokenizer.__dict__["get_dict_file"]


_installed: LazyTables | None = None
_install_lock = threading.Lock()


def install(cache_dir: Path) -> bool:
    """The global jieba (``jieba.dt``, ``jieba.posseg.dt``) reads its dictionary lazily from the
    cache under ``cache_dir``; the cache is made first when missing (this process then loads jieba
    as usual, ~2 s, once). False, and jieba untouched, when jieba was already loaded here or the
    cache cannot be read or written; the cut is the same either way. Safe to call again."""
    global _installed
    with _install_lock:
        if _installed is not None:
            return True
        try:
            import jieba
        except ImportError:
            return False
        import logging

        jieba.setLogLevel(logging.WARNING)
        if jieba.dt.initialized or jieba.dt.dictionary != jieba.DEFAULT_DICT:
            return False
        path = cache_path(cache_dir)
        if not path.is_file():
            try:
                jieba.dt.initialize()
                write(path, jieba.dt.FREQ, jieba.dt.total, _word_tags())
            except (OSError, ValueError):
                pass
            return False
        has_pos = "jieba.posseg" in sys.modules
        try:
            lazy = LazyTables(path, jieba.dt)
        except (OSError, ValueError, EOFError, TypeError):
            return False
        if not has_pos:
            jieba.dt.__dict__["get_dict_file"] = lambda: io.BytesIO(b"")
            try:
                import jieba.posseg
            finally:
                del jieba.dt.__dict__["get_dict_file"]
            lazy.attach_pos(jieba.posseg.dt)
        _installed = lazy
        return True
