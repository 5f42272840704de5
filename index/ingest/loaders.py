"""Read a policy file of any supported type into plain text.

    read_text(path) -> str      .txt/.md, .html/.htm, .docx, .pdf → decoded text

Text files may be UTF-8 (with or without BOM) or GB18030/GBK (detected with
charset-normalizer). HTML goes through BeautifulSoup with block elements turned
into line breaks; .docx through python-docx (paragraphs, then tables); .pdf
through pypdf (pages joined by a blank line). Anything that cannot be read as
text raises ``DocumentError(path, reason)`` with the reason in English.

Guards before any parsing: a file over ``max_file_bytes()`` (env POLICY_MAX_FILE_MB, default
10 MB; real policy files are well under 1 MB) is skipped on its size alone, unread; a text
file is read in blocks and refused at the first block that is binary (NUL bytes or the magic
number of a known binary format), so a 50 MB file of noise costs one block of memory. Binary
files are named as such ("binary file (PNG image)"), also under a .docx/.pdf name.
"""
from __future__ import annotations

import codecs
import io
import re
from pathlib import Path

from index.config import env_number
from index.errors import DocumentError

DEFAULT_MAX_FILE_MB = 10.0
BLOCK = 1 << 20  # read text files a block at a time

TEXT_EXTS = {".txt", ".md"}
HTML_EXTS = {".html", ".htm"}
SUPPORTED_EXTS = TEXT_EXTS | HTML_EXTS | {".docx", ".pdf"}

# Control characters other than tab/newline/CR/form feed: a real text file has none.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BLOCK_TAGS = (
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "table", "ul", "ol", "pre", "blockquote", "title",
)


# The opening bytes of binary formats someone may drop in a corpus folder by mistake.
_MAGIC = (
    (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "ZIP archive"), (b"%PDF", "PDF document"), (b"\x7fELF", "executable"),
    (b"\x1f\x8b", "gzip archive"), (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"Rar!", "RAR archive"), (b"\xd0\xcf\x11\xe0", "old Office file (.doc/.xls/.ppt)"),
    (b"SQLite format 3", "SQLite database"), (b"RIFF", "audio/video (RIFF)"), (b"ID3", "MP3 audio"),
)


def max_file_bytes() -> int:
    """The size limit per corpus file: env POLICY_MAX_FILE_MB (default 10; 0 or less: none)."""
    mb = env_number("POLICY_MAX_FILE_MB", DEFAULT_MAX_FILE_MB, "megabytes")
    return int(mb * 1024 * 1024) if mb > 0 else 0


def sniff_binary(head: bytes) -> str | None:
    """What binary format ``head`` (a file's first bytes) opens with, or None for text.
    UTF-16 text (with its BOM) is text."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    for magic, kind in _MAGIC:
        if kind and head.startswith(magic):
            return kind
    if b"\x00" in head:
        return "binary data (contains NUL bytes)"
    return None


def _binary_error(path: Path, kind: str) -> DocumentError:
    return DocumentError(str(path), f"binary file ({kind}), not a text document",
                         zh=f"文件 {path.name} 是二进制文件（{kind}），不是文本文件。")


def check_size(path: Path) -> None:
    """DocumentError when the file is over the size limit (judged on its size, unread)."""
    limit = max_file_bytes()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentError(str(path), f"cannot be read: {exc.strerror or exc}") from None
    if limit and size > limit:
        raise DocumentError(
            str(path), f"file is {size / 1048576:.3g} MB, over the limit of {limit / 1048576:.3g} MB "
                       "(POLICY_MAX_FILE_MB); skipped unread",
            zh=f"文件 {path.name} 过大（{size / 1048576:.3g} MB，上限 {limit / 1048576:.3g} MB），已跳过。")


def _read_guarded(path: Path, ext: str) -> bytes:
    """The file's bytes, read a block at a time; a text file stops at its first binary block."""
    blocks = []
    try:
        with path.open("rb") as f:
            head = f.read(BLOCK)
            kind = sniff_binary(head)
            if ext in TEXT_EXTS | HTML_EXTS:
                if kind:
                    raise _binary_error(path, kind)
            elif ext == ".docx" and not head.startswith(b"PK\x03\x04") and head.strip():
                raise _binary_error(path, kind) if kind else DocumentError(
                    str(path), "not a readable .docx file (not a ZIP package)",
                    zh=f"文件 {path.name} 不是有效的 Word 文档。")
            elif ext == ".pdf" and not head.lstrip().startswith(b"%PDF") and head.strip():
                raise _binary_error(path, kind) if kind and kind != "PDF document" else DocumentError(
                    str(path), "not a readable PDF (no %PDF header)", zh=f"文件 {path.name} 不是有效的 PDF 文件。")
            blocks.append(head)
            while block := f.read(BLOCK):
                if ext in TEXT_EXTS | HTML_EXTS and b"\x00" in block and not head.startswith(
                        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    raise _binary_error(path, "binary data (contains NUL bytes)")
                blocks.append(block)
    except OSError as exc:
        raise DocumentError(str(path), f"cannot be read: {exc.strerror or exc}") from None
    return b"".join(blocks)


def read_text(path: str | Path) -> str:
    """Path → the file's text. Raises DocumentError for empty, binary, over-size,
    undecodable or unsupported files."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in SUPPORTED_EXTS:
        raise DocumentError(
            str(path), f"unsupported file type {ext or '(none)'!r}",
            zh=f"文件 {path.name} 的类型不受支持（支持 txt、md、html、docx、pdf）。",
        )
    check_size(path)
    data = _read_guarded(path, ext)
    if not data.strip():
        raise DocumentError(str(path), "empty file", zh=f"文件 {path.name} 是空文件。")
    if ext == ".md":
        return markdown_to_text(decode_bytes(data, str(path)))
    if ext in TEXT_EXTS:
        return decode_bytes(data, str(path))
    if ext in HTML_EXTS:
        return html_to_text(decode_bytes(data, str(path)))
    if ext == ".docx":
        return _read_docx(data, str(path))
    return _read_pdf(data, str(path))


def decode_bytes(data: bytes, name: str = "<bytes>") -> str:
    """Bytes of a text file → str. UTF-8 (BOM or not) first, then whatever
    charset-normalizer finds (GB18030/GBK in practice)."""
    if b"\x00" in data:
        # UTF-16 files carry NULs too, but only with a BOM; anything else with NULs is binary.
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return _check_text(data.decode("utf-16"), name)
        raise DocumentError(name, "binary file (binary data (contains NUL bytes)), not a text document",
                            zh=f"文件 {name} 是二进制文件，不是文本文件。")
    if data.startswith(codecs.BOM_UTF8):
        return _check_text(data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), name)
    try:
        return _check_text(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    # GB18030 is a superset of GBK/GB2312; try it before asking the detector,
    # which on short Chinese samples sometimes picks a Big5 or Korean codec.
    try:
        text = data.decode("gb18030")
        if _looks_chinese(text):
            return _check_text(text, name)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # lazy: only for non-UTF-8 files

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise DocumentError(name, "undecodable text (no known encoding fits)",
                            zh=f"文件 {name} 的编码无法识别。")
    text = str(best)
    if not _looks_chinese(text) and best.encoding not in ("ascii", "utf_8"):
        # A Latin codec "fits" any byte soup; for a Chinese policy file that means it is not text.
        raise DocumentError(name, f"undecodable text (only {best.encoding} fits, and it yields no Chinese)",
                            zh=f"文件 {name} 的编码无法识别。")
    return _check_text(text, name)


def markdown_to_text(md: str) -> str:
    """Markdown → plain text: heading hashes, quote marks, emphasis and link targets go,
    so "## 一、总体要求" reads as the heading "一、总体要求"."""
    md = re.sub(r"(?m)^[ \t]{0,3}(?:#{1,6}[ \t]+|>[ \t]?)", "", md)
    md = re.sub(r"(\*\*|__)(.+?)\1", r"\2", md)
    return re.sub(r"\[([^\]\n]+)\]\([^)\n]*\)", r"\1", md)


def html_to_text(html: str) -> str:
    """HTML markup → text with one line per block element; scripts and styles dropped."""
    from bs4 import BeautifulSoup  # lazy

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    for tag in soup.find_all("br"):
        tag.replace_with("\n")
    for tag in soup.find_all(["td", "th"]):  # table cells: "发布机构 泉州市人民政府办公室 文号 …"
        tag.insert_after(" ")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    text = soup.get_text()
    return re.sub(r"\n[ \t\u3000\xa0]*(?=\n)", "\n", text)


def _read_docx(data: bytes, name: str) -> str:
    import docx  # lazy

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for broken zips
        raise DocumentError(name, f"not a readable .docx file ({type(exc).__name__})",
                            zh=f"文件 {name} 不是有效的 Word 文档。") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _read_pdf(data: bytes, name: str) -> str:
    from pypdf import PdfReader  # lazy
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise DocumentError(name, f"not a readable PDF ({type(exc).__name__})",
                            zh=f"文件 {name} 不是有效的 PDF 文件。") from None
    return "\n\n".join(pages)


def _looks_chinese(text: str) -> bool:
    # Judged on the non-ASCII characters only, so a markup-heavy HTML page counts too.
    non_ascii = [ch for ch in text if ord(ch) > 127]
    han = sum(1 for ch in non_ascii if "\u4e00" <= ch <= "\u9fff")
    return bool(non_ascii) and han >= len(non_ascii) // 2


def _check_text(text: str, name: str) -> str:
    controls = len(_CONTROL.findall(text))
    if controls and controls > len(text) // 100:
        raise DocumentError(name, "binary file (control characters)", zh=f"文件 {name} 不是文本文件。")
    if "\ufffd" in text[:2000] and text.count("\ufffd") > len(text) // 100:
        raise DocumentError(name, "undecodable text (replacement characters)",
                            zh=f"文件 {name} 的编码无法识别。")
    return text
