"""The word lists of the lexicon, read from the TSV files in ``assistant/lexicon/data/``.

    rows(name) -> list[Entry]          every entry of data/<name>.tsv, in file order
    words(name, kind=None) -> tuple    the first column (of the entries of one kind)
    mapping(name) -> dict              first column → second, in file order

Each file says in its header what its columns are; the last column of every file is ``scope``:
``generic`` (true of Chinese policy language at large) or ``document`` (a wording seen in
particular documents — a candidate for a document's own sidecar). Language knowledge lives in
these files, not in code: to teach the assistant a word, edit a file, not a module.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

SCOPES = ("generic", "document")


@dataclass(frozen=True)
class Entry:
    columns: tuple[str, ...]  # every column but the scope
    scope: str


class LexiconError(ValueError):
    """A data file with a line that does not fit its format (names the file and the line)."""


@lru_cache(maxsize=None)
def rows(name: str) -> tuple[Entry, ...]:
    """data/<name>.tsv → its entries, comments and blank lines skipped."""
    text = files("assistant.lexicon").joinpath("data", f"{name}.tsv").read_text(encoding="utf-8")
    out = []
    for no, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 2 or cols[-1] not in SCOPES or not cols[0]:
            raise LexiconError(f"lexicon/data/{name}.tsv:{no}: expected 'word<TAB>…<TAB>scope' with scope in {SCOPES}")
        out.append(Entry(tuple(cols[:-1]), cols[-1]))
    return tuple(out)


def words(name: str, kind: str | None = None, kind_column: int = 1) -> tuple[str, ...]:
    """The first column of data/<name>.tsv (only entries whose ``kind_column`` equals ``kind``)."""
    return tuple(e.columns[0] for e in rows(name) if kind is None or e.columns[kind_column] == kind)


def mapping(name: str) -> dict[str, str]:
    """First column → second column of data/<name>.tsv, in file order."""
    return {e.columns[0]: e.columns[1] for e in rows(name)}
