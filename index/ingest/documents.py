"""Load policy files into ``Document`` records.

    corpus_files(corpus_dir) -> list[Path]                  the files to load, sorted
    load_document(path, corpus_dir) -> Document             read → clean → metadata
    load_corpus(corpus_dir) -> (list[Document], list[(path, reason)])

``doc_id`` is the file stem; ``sha256`` is of the file's bytes; ``source_path`` is
relative to the corpus folder. ``Document.text`` is the cleaned text that every
clause span indexes into. A bad file (empty, binary, undecodable, unsupported, or
with no recognisable Chinese text) raises ``DocumentError`` from ``load_document``;
``load_corpus`` reports it by name with its reason and loads the rest.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from index.errors import DocumentError
from index.records import Document
from index.ingest.cleaning import clean_text
from index.ingest.loaders import SUPPORTED_EXTS, read_text
from index.ingest.metadata import read_metadata

SIDECAR_SUFFIX = ".meta.json"
_HAN = re.compile(r"[\u4e00-\u9fff]")
MIN_HAN_CHARS = 20  # fewer Chinese characters than this is not a policy document

WARN_NO_NUMBER = "文号未注明"
WARN_INCOMPLETE = "原文不完整"
WARN_NO_DATE = "日期未注明"
WARN_REPOST = "转载自非政府网站"


def corpus_files(corpus_dir: str | Path) -> list[Path]:
    """Every file under ``corpus_dir`` that should be a document: sorted; skips
    ``*.meta.json`` sidecars, README*/MANIFEST*/SOURCES* notes and hidden files.
    Files of unsupported types are listed too, so that they are reported."""
    root = Path(corpus_dir)
    out = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        name = path.name
        if name.endswith(SIDECAR_SUFFIX) or name.upper().startswith(("README", "MANIFEST", "SOURCES", "LICENSE")):
            continue
        out.append(path)
    return out


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def read_sidecar(path: Path) -> dict:
    """The sidecar next to ``path`` (or {}). A broken sidecar is a DocumentError, named."""
    side = sidecar_path(path)
    if not side.exists():
        return {}
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DocumentError(str(side), f"sidecar is not valid JSON ({exc})",
                            zh=f"元数据文件 {side.name} 格式有误。") from None
    if not isinstance(data, dict):
        raise DocumentError(str(side), "sidecar must hold a JSON object", zh=f"元数据文件 {side.name} 格式有误。")
    return data


def load_document(path: str | Path, corpus_dir: str | Path | None = None) -> Document:
    """One file → Document (cleaned text + metadata + warnings). Raises DocumentError."""
    path = Path(path)
    root = Path(corpus_dir) if corpus_dir is not None else path.parent
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        rel = path.name
    raw = read_text(path)
    cleaned = clean_text(raw)
    han = len(_HAN.findall(cleaned.text))
    if han < MIN_HAN_CHARS:
        raise DocumentError(str(path), "no recognisable Chinese text after cleaning",
                            zh=f"文件 {path.name} 中没有可识别的中文政策文本。")
    meta = read_metadata(raw, read_sidecar(path), cleaned=cleaned.text)
    warnings = []
    if not meta["doc_number"]:
        warnings.append(WARN_NO_NUMBER)
    if cleaned.incomplete:
        warnings.append(WARN_INCOMPLETE)
    if not (set(meta["dates"]) - {"网页"}):
        warnings.append(WARN_NO_DATE)
    if "网页" in meta["dates"]:
        warnings.append(WARN_REPOST)
    return Document(
        doc_id=path.stem,
        source_path=rel,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        title=meta["title"] or path.stem,
        text=cleaned.text,
        issuer=meta["issuer"],
        doc_number=meta["doc_number"],
        region=meta["region"],
        dates=meta["dates"],
        valid_from=meta["valid_from"],
        valid_until=meta["valid_until"],
        validity_note=meta["validity_note"],
        incomplete=cleaned.incomplete,
        warnings=warnings,
    )


def load_corpus(corpus_dir: str | Path) -> tuple[list[Document], list[tuple[str, str]]]:
    """All documents of a folder. Bad files go to the second list as
    (path relative to the folder, reason); they never stop the others loading."""
    root = Path(corpus_dir)
    docs: list[Document] = []
    bad: list[tuple[str, str]] = []
    seen: set[str] = set()
    for path in corpus_files(root):
        rel = path.relative_to(root).as_posix()
        if path.stem in seen:  # doc_id is the stem: a second file of that name would overwrite the first
            bad.append((rel, f"duplicate document id {path.stem!r} (another file has the same name)"))
            continue
        if path.suffix.lower() not in SUPPORTED_EXTS:
            bad.append((rel, f"unsupported file type {path.suffix or '(none)'!r}"))
            continue
        try:
            docs.append(load_document(path, root))
            seen.add(path.stem)
        except DocumentError as exc:
            bad.append((rel, exc.reason))
    return docs, bad
