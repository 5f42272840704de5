"""Heading markers of Chinese policy documents: which ones open a clause, and where.

    find_headings(text) -> list[Head]     accepted headings in text order, with their chain

Markers: 第一章/节/条 · 一、 · （一）(一) · 1、 1. 1． · （1）(1) · "——" bullets at a line
start. A marker counts at a line start, after a sentence end, after a "(责任单位…)" note,
or inline right after a heading's short title ("一、支持创新（一）鼓励…"); and only if its
number continues the sequence (next sibling, first child, or numbering that runs on
across sections) — anything else is body text. A top level that restarts at 1 on a new
line after real sentences starts a second document in the file (``volume`` 2, 3 …); after
headings with no sentence at all, the earlier ones were a table of contents and are dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.ingest.cleaning import SENTENCE_END
from index.ingest.metadata import cn_to_int

_CN_NUM = "一二三四五六七八九十百零〇"
MARKER = re.compile(
    rf"(?P<chapter>第(?P<chn>[{_CN_NUM}\d]+)(?P<chk>[章节条]))"
    rf"|(?P<cn>(?P<cnn>[{_CN_NUM}]+)、)"
    r"|(?P<pcn>[（(](?P<pcnn>[一二三四五六七八九十]+)[）)])"
    r"|(?P<num>(?P<numn>\d{1,2})\s?(?P<nums>[、.．])(?![\d.．]))"
    r"|(?P<pnum>[（(](?P<pnumn>\d{1,3})[）)])"
    r"|(?P<dash>——(?!—))"
)
RANK = {"章": 0, "节": 1, "条": 2, "cn": 3, "pcn": 4, "num": 5, "pnum": 6, "dash": 7}
BOUNDARY = SENTENCE_END + "：:\n"
TITLE_STOP = re.compile(r"[。；;！？!?：:]")


@dataclass
class Head:
    """One accepted heading: its marker, number, place in the text and open chain."""

    kind: str  # 章 节 条 cn pcn num pnum dash
    num: int
    start: int  # marker start
    marker_end: int
    sep: str = ""  # "、" or "." for num items
    title: str = ""
    plain_title: str = ""  # the title without its marker
    volume: int = 1  # >1 after the top-level numbering restarted (a second document in the file)
    key: str = ""
    display: str = ""
    path: tuple = ()
    chain: tuple = ()  # the open headings, ending with this one


def find_headings(text: str) -> list[Head]:
    """All accepted headings of ``text``, in order (see the module docstring)."""
    heads: list[Head] = []
    open_: list[Head] = []  # the stack of open headings
    last_num: dict[str, int] = {}
    volume = 1
    for m in MARKER.finditer(text):
        h = _head_from_match(m)
        if h is None or not (_at_boundary(text, m.start(), h, heads) or _glued_to_title(text, h, heads)):
            continue
        same = next((o for o in open_ if o.kind == h.kind), None)
        if (h.num == 1 and same is not None and same is open_[0] and same.num >= 2
                and h.kind != "dash" and (m.start() == 0 or text[m.start() - 1] == "\n")):
            # The top level starts again at 1 on a new line. After headings with no
            # sentence at all, those were a table of contents: forget them. Otherwise a
            # second document (an attachment, an action plan) follows in the same file.
            if re.search("[。；;]", text[heads[0].start:m.start()]):
                volume += 1
            else:
                heads = []
            open_, last_num = [], {}
            same = None
        h.volume = volume
        if h.kind == "dash":
            h.num = same.num + 1 if same else 1
        elif same is not None and h.num != same.num + 1 and not _skips_on_own_line(text, h, same):
            continue  # not the next sibling
        elif same is None and h.num != 1 and not 0 < last_num.get(h.kind, 0) == h.num - 1:
            continue  # neither a first child nor numbering running on from the previous section
        open_ = [o for o in open_ if RANK[o.kind] < RANK[h.kind]]
        open_.append(h)
        last_num[h.kind] = h.num
        h.chain = tuple(open_)
        heads.append(h)
    return heads


def _skips_on_own_line(text: str, h: Head, same: Head) -> bool:
    """"二、… 四、": the source skipped a number. A sibling one or two ahead is
    still a heading when it stands on its own line with a short title and nothing else."""
    if h.kind not in ("cn", "章") or not same.num + 2 <= h.num <= same.num + 3:
        return False
    if _prev_char(text, h.start) != "\n":
        return False
    end = text.find("\n", h.marker_end)
    line = text[h.marker_end:end if end >= 0 else len(text)].strip()
    return 0 < len(line) <= 20 and not TITLE_STOP.search(line) and not re.search(r"[，,、]", line)


def _head_from_match(m: re.Match[str]) -> Head | None:
    kind = m.lastgroup or "dash"
    if kind == "dash":
        return Head("dash", 0, m.start(), m.end())
    n = cn_to_int(m.group({"chapter": "chn", "cn": "cnn", "pcn": "pcnn", "num": "numn", "pnum": "pnumn"}[kind]))
    if n is None:
        return None
    return Head(m.group("chk") if kind == "chapter" else kind, n, m.start(), m.end(), sep=m.group("nums") or "")


def _at_boundary(text: str, pos: int, h: Head, heads: list[Head]) -> bool:
    """Can a heading start at ``pos``? Line start, sentence end, after a 责任单位 note,
    or inline right after the previous heading's short title."""
    prev = _prev_char(text, pos)
    if prev == "\n":
        return True
    if h.kind == "dash":
        return False
    if prev in BOUNDARY:
        return True
    if prev in "）)〕" and re.search(r"责任单位|牵头单位", text[max(0, pos - 160): pos]):
        return True
    if heads:  # numbering is checked by the caller, so "（二）" continuing across sections passes too
        last = heads[-1]
        between = text[last.marker_end:pos]
        if 0 < len(between) <= 40 and not TITLE_STOP.search(between) and "\n" not in between \
                and RANK[h.kind] > RANK[last.kind]:
            return True
    return False


def _glued_to_title(text: str, h: Head, heads: list[Head]) -> bool:
    """"…二十条措施一、实施重点企业…" / "…管理办法第一章总则第一条…": the first heading of a
    kind glued to the title line before it (a scrape without line breaks). Accepted only when
    its sibling (二、 / 第二章) follows at a proper boundary, so "获得一、二、三等奖" stays body text."""
    if h.num != 1 or h.kind not in _GLUED_KINDS or any(o.kind == h.kind for o in heads):
        return False
    if h.kind == "cn":
        if text[h.marker_end:h.marker_end + 2][1:] == "、":
            return False
        sibling = "二、"
    else:
        sibling = f"第二{h.kind}"
    return any(_prev_char(text, h.marker_end + m.start()) in BOUNDARY
               for m in re.finditer(sibling, text[h.marker_end:]))


# the kinds a document opens with, which a scrape may glue to its title
_GLUED_KINDS = ("cn", "章", "节")


def _prev_char(text: str, pos: int) -> str:
    j = pos - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return "\n" if j < 0 else text[j]



__all__ = ["BOUNDARY", "MARKER", "RANK", "TITLE_STOP", "Head", "find_headings"]
