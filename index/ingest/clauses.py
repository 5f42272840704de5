"""Cut a document along its own clause structure into retrieval units.

    split_clauses(doc) -> list[Clause]        invariant: doc.text[c.start:c.end] == c.text

Headings come from ``index.clause_headings.find_headings`` (which markers open a clause:
boundaries, numbering that continues, second documents in one file); this module turns
them into clauses.

Each heading with a body is one clause running from its marker to the next heading; a
title-only heading just names its children's path. Text before the first heading is
("前言",); paragraphs after the last clause that state validity or precedence
("本意见自…实施", "原有政策…以本意见为准") are ("附则",). The trailing "(责任单位:…)" note
stays inside the clause span and its units go to ``responsible_units``. Clauses over
MAX_CHARS are split at sentence ends into parts with the same path ("#2", "#3" …).

Keys: 二、（四）→ "2.4"; item 11 under 二、（一）→ "2.1.11"; 第三章第十条 → "3.10"; bullets
"d1"…; 前言 "0"; 附则 "end"; a second document in the file (numbering restarts) "p2.…".
display_path: "二、（四）", "二、（一）第11项" for "11、" items, "二、（一）1." for "1." items.
"""
from __future__ import annotations

import re

from index.records import Clause, Document
from index.ingest.cleaning import SENTENCE_END
from index.ingest.headings import MARKER, TITLE_STOP, Head, find_headings
from index.ingest.metadata import int_to_cn

MAX_CHARS = 400
MIN_PART_CHARS = 80
CLOSING = re.compile(
    r"^(?:本(?:实施)?(?:意见|方案|办法|通知|规定|细则|措施|政策|决定|条例|计划|文件|若干措施|若干政策|实施细则)"
    r"|原有(?:相关)?(?:政策|规定|文件)|已有(?:相关)?政策|此前|以往)"
    r"[^\n]*(?:施行|实施|有效期|解释|为准|执行|废止|不一致)"
)
_OPEN_PARENS = "（(〔"
_SAYS_SOMETHING = re.compile(r"^[^\n]*(?:[。；;][^\n]*|[：:][ \t]*)$", re.M)
_UNITS_LABEL = re.compile(r"(?:责任单位|牵头单位|责任部门|牵头部门|配合单位|配合部门)\s*[:：]")
_UNITS_NOTE = re.compile(r"[（(](?:以下|不再|下同|牵头|列第一).*$")


def split_clauses(doc: Document) -> list[Clause]:
    """Document → its clauses in text order. Deterministic: same text, same ids."""
    text = doc.text
    heads = find_headings(text)
    _assign_paths(heads, text)
    out: list[Clause] = []
    used: dict[str, int] = {}

    def emit(key: str, path: tuple[str, ...], display: str, start: int, end: int) -> None:
        start, end = _strip_span(text, start, end)
        if end <= start:
            return
        n = used.get(key, 0) + 1
        used[key] = n
        if n > 1:  # a numbering slip in the source: keep ids unique and stable
            key = f"{key}~{n}"
        out.extend(_make_clauses(doc, key, path, display, start, end))

    first = heads[0].start if heads else len(text)
    emit("0", ("前言",), "前言", _preamble_start(text, first), first)
    # Where a second document in the file (numbering restarted) begins: at its own title line.
    volume_at = {i: _volume_start(text, heads[i - 1], heads[i].start)
                 for i in range(1, len(heads)) if heads[i].volume != heads[i - 1].volume}
    for i, h in enumerate(heads):
        stop = len(text) if i + 1 == len(heads) else volume_at.get(i + 1, heads[i + 1].start)
        closing = _closing_start(text, h, stop) if i + 1 == len(heads) or i + 1 in volume_at else None
        end = closing or stop
        body = text[h.marker_end:end].strip()
        has_child = i + 1 < len(heads) and any(o is h for o in heads[i + 1].chain)
        if not (has_child and _is_title_only(body, h)):  # else its children carry the text
            emit(h.key, h.path, h.display, h.start, end)
        prefix = f"p{h.volume}." if h.volume > 1 else ""
        if closing is not None:
            emit(prefix + "end", ("附则",), "附则", closing, stop)
        if i + 1 in volume_at:
            nxt = heads[i + 1].start
            emit(f"p{heads[i + 1].volume}.0", ("前言",), "前言", _preamble_start(text, nxt, volume_at[i + 1]), nxt)
    return out


def _volume_start(text: str, last: Head, restart: int) -> int:
    """The title line ("附件", "安徽省工业互联网创新发展行动计划（2021-2023年）") that opens the
    next document inside the previous document's last segment; else the restart itself."""
    lines = [(last.start + m.start(), m.group().strip()) for m in re.finditer(r"[^\n]*\S[^\n]*", text[last.start:restart])]
    return next((p for p, line in lines[1:] if len(line) <= 80 and not re.search("[。；;：:]", line)
                 and not MARKER.match(line)), restart)


def _is_title_only(body: str, h: Head) -> bool:
    # "（一）实施服务型制造新模式培育工程。" names its items; a long single sentence is content.
    return len(h.plain_title) <= 40 and body.strip().rstrip(SENTENCE_END + "：:").strip() == h.plain_title



def _assign_paths(heads: list[Head], text: str) -> None:
    for i, h in enumerate(heads):
        nxt = heads[i + 1].start if i + 1 < len(heads) else len(text)
        h.title = _title(text, h, nxt)
    for h in heads:
        h.key = (f"p{h.volume}." if h.volume > 1 else "") + ".".join(_key_part(o) for o in h.chain)
        h.display = "".join(_display_part(o) for o in h.chain)
        h.path = tuple(o.title for o in h.chain)


def _title(text: str, h: Head, nxt: int) -> str:
    """The heading as a path element: marker (brackets made full-width) + its short title."""
    end = min(nxt, text.find("\n", h.start) if "\n" in text[h.start:nxt] else nxt)
    line = text[h.marker_end:end]
    marker = text[h.start:h.marker_end].replace("(", "（").replace(")", "）").replace(" ", "")
    if h.kind == "dash":
        marker = ""
    stop = TITLE_STOP.search(line)
    h.plain_title = (line if stop is None else line[: stop.start()]).strip()
    title = h.plain_title
    if len(title) > 40:  # a heading whose first sentence runs on: cut at a comma, or shorten
        comma = re.search(r"[，,]", title)
        title = title[: comma.start()] if comma and comma.start() <= 25 else title[:20] + "…"
    return marker + title.strip()


def _key_part(h: Head) -> str:
    return f"d{h.num}" if h.kind == "dash" else str(h.num)


def _display_part(h: Head) -> str:
    cn = int_to_cn(h.num)
    return {"cn": f"{cn}、", "pcn": f"（{cn}）", "pnum": f"（{h.num}）", "dash": h.title.lstrip("—"),
            # "11、" items read as 第11项 ("二、（一）11、" would not); "1." items keep their marker.
            "num": f"第{h.num}项" if h.sep == "、" else f"{h.num}."}.get(h.kind, f"第{cn}{h.kind}")


def _preamble_start(text: str, first_head: int, begin: int = 0) -> int:
    """Skip the title lines at the top: the preamble starts at the first line that
    addresses someone (…:) or says something (has a sentence end)."""
    m = _SAYS_SOMETHING.search(text, begin, first_head)
    return m.start() if m else first_head


def _closing_start(text: str, h: Head, end: int) -> int | None:
    """Where the closing provisions begin inside the last heading's segment, if any.
    The heading's first body paragraph always belongs to it ("五、其他\n本方案自…")."""
    lines = [(h.start + m.start(), m.group()) for m in re.finditer(r"[^\n]*\S[^\n]*", text[h.start:end])]
    first = 1 if TITLE_STOP.search(lines[0][1][h.marker_end - h.start:]) else 2
    return next((p for p, line in lines[first:] if CLOSING.match(line.strip())), None)


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _make_clauses(doc: Document, key: str, path: tuple[str, ...], display: str, start: int, end: int) -> list[Clause]:
    text = doc.text
    units = responsible_units(text[start:end])
    spans = split_long(text, start, end)
    n = len(spans)
    return [
        Clause(
            clause_id=f"{doc.doc_id}/{key}" + (f"#{i + 1}" if i else ""),
            doc_id=doc.doc_id, path=path, display_path=display,
            text=text[s:e], start=s, end=e, responsible_units=units, part=i, n_parts=n,
        )
        for i, (s, e) in enumerate(spans)
    ]


# A long clause is cut at full stops first: "…每月给予50元补贴；工作年限每增加1年，补贴增加
# 50元。" is one rule, and a cut at its semicolon leaves the second half without its subject.
FULL_STOPS = "。！？!?"


# A line of a PDF's flowed text broken mid-sentence ('…在3年（36个月）\n内按实际…') is no
# sentence end: a line this long that stops on no punctuation continues on the next line.
WRAPPED_LINE = 24
_LINE_END = re.compile(r"[。！？!?；;：:]\s*$")


def _wrapped(text: str, at: int, start: int, end: int) -> bool:
    """Is the line break at ``at`` a wrap inside a sentence (a long line without closing
    punctuation, followed by more text of the same span)?"""
    line = text[text.rfind("\n", start, at) + 1 if text.rfind("\n", start, at) >= 0 else start:at]
    return len(line.strip()) >= WRAPPED_LINE and not _LINE_END.search(line) and at + 1 < end \
        and not text[at + 1:at + 2].isspace()


def split_long(text: str, start: int, end: int, limit: int = MAX_CHARS, stops: str = FULL_STOPS) -> list[tuple[int, int]]:
    """A span → sentence-aligned parts of at most ~``limit`` characters (a short tail
    joins the part before it), cut at full stops; a sentence over 1.5 times the limit is cut
    again at semicolons, and one over twice the limit — a table flattened into one line —
    at commas."""
    if end - start <= limit:
        return [(start, end)]
    cuts = [m.end() for m in re.finditer(rf"[{stops}][”’」』)）]?|\n", text[start:end])
            if m.group() != "\n" or not _wrapped(text, start + m.start(), start, end)]
    bounds = [start] + [start + c for c in cuts if start + c < end] + [end]
    parts: list[tuple[int, int]] = []
    cur = bounds[0]
    for a, b in zip(bounds, bounds[1:]):
        if b - cur > limit and a > cur:
            parts.append((cur, a))
            cur = a
    parts.append((cur, end))
    if len(parts) > 1 and parts[-1][1] - parts[-1][0] < MIN_PART_CHARS:
        tail = parts.pop()
        parts[-1] = (parts[-1][0], tail[1])
    out = []
    for s, e in parts:
        s, e = _strip_span(text, s, e)
        if e - s > 1.5 * limit and stops == FULL_STOPS:
            out.extend(split_long(text, s, e, limit, stops=SENTENCE_END))
        elif e - s > 2 * limit and stops == SENTENCE_END:
            out.extend(split_long(text, s, e, limit, stops="，,、"))
        elif e > s:
            out.append((s, e))
    return out


def responsible_units(text: str) -> tuple[str, ...]:
    """"(责任单位:市经信委、商务局,各县(市、区)人民政府。列第一位的为牵头单位)" →
    ("市经信委", "商务局", "各县(市、区)人民政府"). Also "牵头单位：…，配合单位：…".
    Empty when the clause names none."""
    m = _UNITS_LABEL.search(text)
    if not m:
        return ()
    opened = m.start() > 0 and text[m.start() - 1] in _OPEN_PARENS
    depth, out, cur = 0, [], []
    for ch in text[m.end():]:
        if ch == "\n":
            break
        if ch in _OPEN_PARENS:
            depth += 1
        elif ch in "）)〕":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and (ch == "。" or (ch in "；;" and not opened)):
            break  # what follows ("列第一位的为牵头单位", "以下任务均需…") is a note, not a unit
        if depth == 0 and ch in "、，,;；":
            out.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    out.append("".join(cur))
    units = (_UNITS_NOTE.sub("", _UNITS_LABEL.sub("", u)).strip() for u in out)
    return tuple(u for u in units if u and len(u) <= 40)
