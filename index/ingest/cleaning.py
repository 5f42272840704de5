"""Turn a web page's or PDF's text into the quotable text of a policy document.

    clean_text(raw) -> CleanResult(text, incomplete, removed)

What is dropped: page noise a hotline operator must never read out — breadcrumbs
(您当前的位置 / 首页 > 政务公开 …), 【打印本页】【关闭本页】, 政策解读>>, 浏览次数,
site ads and phone numbers, copyright / ICP lines, 扫一扫, 网站地图, attachment
file-name lines, empty 作者:/信息来源: stubs and the page's metadata block
(索引号 / 发布机构 / 文章属性 • 【制定机关】 …; index.metadata reads it from the raw
text first). A truncation notice ("因篇幅问题不能全部显示" …) is removed and sets
``incomplete``.

What is kept verbatim: every character of the policy text. Only whitespace is
normalised (line ends, indentation, runs of spaces, blank lines) and lines
hard-wrapped in mid-sentence are joined, so quotes taken from ``text`` are
verbatim spans of the document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# One heading marker at the start of a string; shared with index.clauses.
HEADING_START = (
    r"(?:[一二三四五六七八九十百]+、"
    r"|[（(][一二三四五六七八九十]+[）)]"
    r"|\d{1,2}\s?[、.．](?![\d.．])"
    r"|[（(]\d{1,2}[）)]"
    r"|第[一二三四五六七八九十百零〇\d]+[章节条]"
    r"|——(?!—))"
)
_SECTION_START = re.compile(r"[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十百零〇\d]+[章节]")
_HEAD_OR_UNITS = re.compile(rf"(?:{HEADING_START}|[（(]?责任单位|附件\s*\d*\s*[:：])")
SENTENCE_END = "。；;！？!?"
_JOIN_BLOCKERS = SENTENCE_END + "：:)）"
_SPACE = r"[ \t\u3000\xa0\u2002\u2003]"

TRUNCATION = [
    re.compile(r"因篇幅问题?不能全部显示[^\n]*"),
    # "（由于篇幅太长，省略部分内容，可点击链接查看）", also when a PDF wrap splits it
    re.compile(r"[（(]?\s*(?:由\s*于\s*|因\s*)?篇\s*幅\s*(?:太\s*长)?[^）)]{0,60}?省\s*略[^）)]{0,60}[）)]"),
    re.compile(r"(?:请)?点(?:此|击)查看(?:更多|全文)[^\n]{0,30}"),
]

# Noise that scrapers glued onto a line of text (documents without line breaks):
# removed where it stands, the text around it is kept.
INLINE_NOISE: list[tuple[str, re.Pattern[str]]] = [
    ("page-tail", re.compile(r"(?:相关附件\s*[:：][^\n]*?)?二维码开始扫一扫[^\n]*")),
    ("link", re.compile(r"\((?:/|common/)[\x21-\x27\x2a-\x7e]{5,200}\)")),
]

# (kind, pattern, longest line the rule may drop): a long line is policy text even
# if it happens to contain one of these words.
NOISE: list[tuple[str, re.Pattern[str], int]] = [
    ("breadcrumb", re.compile(r"^(?:您当前的位置|您的位置|当前位置|您现在的位置|所在位置)\s*[:：]"), 100000),
    ("breadcrumb", re.compile(r"^首页$|首页\s*[>›»]|^[>›»]\s*\S+\s*[>›»]"), 300),
    ("print", re.compile(r"打印本页|关闭本页|关闭窗口|打印此页|返回顶部|【打印】|【关闭】|字[体号]\s*[:：]?\s*[【\[]?\s*大\s*中\s*小|"
                         r"^(?:分享到|上一篇|下一篇|相关链接)\s*[:：]?|^(?:打印|关闭|收藏|返回)(?:\s*[|｜]?\s*(?:打印|关闭|收藏|返回))+$"), 80),
    ("interpretation", re.compile(r"^(?:政策解读|图文解读|相关解读|视频解读|解读)\s*(?:>>|》》|»|＞＞)"), 40),
    ("views", re.compile(r"浏览次数|阅读次数|访问次数|点击数\s*[:：]"), 150),
    # Site ads: "专精特新ad2", "欢迎访问…网", a bare "全国咨询热线" line. Policy text speaks of
    # 政务服务热线 too, so a hotline word alone never condemns a line.
    ("ad", re.compile(r"(?i)^\S{0,12}[^\x00-\x7f]ad\d*$|^欢迎(?:访问|来到|光临)|"
                      r"^(?:全国|免费)?(?:咨询热线|服务热线|客服电话|在线客服|联系我们)\s*[:：]?[\d\s-]*$"), 200),
    # A bare phone number, or a mobile/400 number offered for "consultation": site ads. A
    # document's own contact line (联系电话：0595-…, a landline) is kept, and so are table rows.
    ("phone", re.compile(r"(?:热线|客服|咨询|微信)\D{0,20}(?<!\d)(?:1[3-9]\d{9}|400-?\d{3}-?\d{4})(?!\d)"), 120),
    # Only dropped right after other page noise (see clean_text): in a document's own
    # contact list a bare number is content.
    ("phone-bare", re.compile(r"^(?:\+?86[\s-]?)?(?:1[3-9]\d{9}|0\d{2,3}[\s-]?\d{7,8}|400[\s-]?\d{3}[\s-]?\d{4})$"), 30),
    ("copyright", re.compile(r"(?i)copyright|©|版权所有|ICP\s*[备证]|公网安备|网站地图|网站标识码"), 250),
    ("scan", re.compile(r"^扫一扫|扫一扫\S{0,10}(?:关注|咨询|客服|手机|打开)|^(?:扫码关注|微信二维码|手机版二维码)"), 60),
    ("attachment-file", re.compile(r"(?i)^\S{1,80}\.(?:docx?|pdf|xlsx?|wps|zip|rar|ofd|et)$"), 90),
    ("stub", re.compile(r"^(?:作者|信息来源|来源|责任编辑|编辑|审核|校对|发布者)\s*[:：]\s*\S{0,30}$"), 40),
    ("metadata", re.compile(
        r"^(?:索引号|发布机构|发布单位|发文机关|文号|备注/文号|成文日期|发文日期|发布日期|公开方式|公开范围|"
        r"规范性文件统一编号|统一编号|有效性|时效性|信息类别|主题分类|主题词|组配分类|体裁分类|生成日期|"
        r"公开日期|内容概述|发布时间|点击量|阅读量)\s*(?:\([^)]{0,6}\))?\s*[:：]"), 300),
    ("metadata", re.compile(r"^文章属性$|^正文$|^[•·]\s*【|^【(?:法宝引证码|制定机关|公布日期|施行日期|效力等级|"
                            r"时效性|发文字号|字\s*号|主题分类)】|^原文链接\s*[:：]"), 300),
]

_DATE_LINE = re.compile(r"^(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)$")
_DOCNO_LINE = re.compile(r"^[（(]?\S{1,20}[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d+\s*号[）)]?$")
_BARE_MARKER = re.compile(HEADING_START)
_ATTACHMENT_LINE = re.compile(r"附件\s*\d*\s*[:：]?")
_TITLE_END = re.compile(r"(?:通知|意见|方案|办法|规定|细则|措施|决定|计划|条例|政策|纲要|公告|批复|函)$")


@dataclass
class CleanResult:
    """``text``: the cleaned, quotable text; ``incomplete``: the source said it was cut;
    ``removed``: (kind, removed text) pairs, for reports and tests."""

    text: str
    incomplete: bool = False
    removed: list[tuple[str, str]] = field(default_factory=list)


def clean_text(raw: str) -> CleanResult:
    """Raw document text → CleanResult. Deterministic; never rewrites a character
    inside a sentence (only whitespace and noise lines change)."""
    removed: list[tuple[str, str]] = []
    text = raw.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    incomplete = False
    for pattern in TRUNCATION:
        for m in pattern.finditer(text):
            incomplete = True
            removed.append(("truncation", m.group(0)))
        text = pattern.sub("", text)
    for kind, pattern in INLINE_NOISE:
        removed.extend((kind, m.group(0)) for m in pattern.finditer(text))
        text = pattern.sub("", text)

    lines: list[str] = []  # "" marks a paragraph break
    last_len = 0  # length of the last source line (not of the joined line it went into)
    after_noise = False  # the last non-blank source line was page noise
    for raw_line in text.split("\n"):
        line = re.sub(rf"{_SPACE}+", " ", raw_line).strip()
        if not line:
            if lines and lines[-1] != "":
                lines.append("")
            continue
        kind = noise_kind(line)
        if kind == "phone-bare" and not after_noise:
            kind = ""
        after_noise = bool(kind)
        if kind:
            removed.append((kind, line))
            continue
        if len(lines) > 1 and lines[-1] == "" and last_len >= 20 and line[0] not in "（(" \
                and should_join(lines[-2], line):
            lines.pop()  # a page break in mid-sentence (PDF extraction): the blank line is not a paragraph end
        if lines and lines[-1] != "" and should_join(lines[-1], line):
            sep = " " if lines[-1][-1].isascii() and lines[-1][-1].isalnum() and line[0].isascii() and line[0].isalnum() else ""
            lines[-1] = lines[-1] + sep + line
        else:
            lines.append(line)
        last_len = len(line)
    out = "\n".join(lines).strip("\n")
    out = _split_inline_headings(out)
    return CleanResult(text=out, incomplete=incomplete, removed=removed)


def noise_kind(line: str) -> str:
    """The kind of page noise a (stripped) line is, or "" for document text."""
    for kind, pattern, longest in NOISE:
        if len(line) <= longest and pattern.search(line):
            return kind
    return ""


def should_join(prev: str, line: str) -> bool:
    """Is ``line`` the continuation of ``prev``, hard-wrapped in mid-sentence?"""
    if _BARE_MARKER.fullmatch(prev) and not _HEAD_OR_UNITS.match(line):
        return True  # "（一）" alone on its line: its title follows
    if prev[-1] in _JOIN_BLOCKERS or (len(prev) > 1 and prev[-1] in "”’」』\"" and prev[-2] in SENTENCE_END):
        return False
    if _HEAD_OR_UNITS.match(line) or _DATE_LINE.match(line) or _DATE_LINE.match(prev):
        return False
    if _DOCNO_LINE.match(prev) or _DOCNO_LINE.match(line) or _ATTACHMENT_LINE.fullmatch(prev):
        return False
    if len(prev) <= 60 and _TITLE_END.search(prev):
        return False
    # A heading standing at the end of the previous line ("…制定本方案。 一、工作目标").
    # A heading title has no commas and is short; a wrapped item ("1．优化现有的…，形成企") is neither.
    i = len(prev)
    while i and prev[i - 1] not in SENTENCE_END:
        i -= 1
    tail = prev[i:].strip()
    # Only 一、/（一）/第X章 headings stand alone on a line; a "10．全面落实企业开办" line is a wrapped item.
    head = re.match(_SECTION_START, tail)
    if head and head.end() < len(tail) <= 25 and "，" not in tail and "," not in tail:
        return False
    return True


_INLINE_HEAD = re.compile(rf"(?<=[{SENTENCE_END}）)])[ ]+(?=(?:{HEADING_START}|[（(]?责任单位))")
_HEAD_THEN_HEAD = re.compile(
    rf"(?m)^((?:{HEADING_START})[^{SENTENCE_END}\n]{{1,40}}?) +(?={HEADING_START})"
)


def _split_inline_headings(text: str) -> str:
    """A space that stands between a sentence and the next heading is a lost line
    break (PDF extraction); restore it so each heading starts a line."""
    text = _INLINE_HEAD.sub("\n", text)
    return _HEAD_THEN_HEAD.sub(r"\1\n", text)
