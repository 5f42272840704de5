"""Read a policy document's metadata from its text; a sidecar fills the gaps.

    read_metadata(text, sidecar=None, cleaned=None) -> dict of Document fields

``text`` is the decoded text *before* cleaning (the page's metadata block — 索引号,
发布机构, 文号, 文章属性 • 【制定机关】… — is noise that cleaning removes, so it is
read here first); ``cleaned`` is its cleaned text (computed when not given) and is
where titles are looked for, since hard-wrapped title lines are joined there.

Rules (general, not keyed to any one document):

* issuer — a labelled issuer (发布机构 / 制定机关 / 发布单位 / 发文机关 / 来源) when it is a
  complete name (starts with a place: "泉州市人民政府办公室"); otherwise the authority
  that opens the title ("嘉兴市人民政府关于…"); a relative label such as "市政府办公室"
  (the web desk that posted it) never wins over the title's authority.
* title — the policy's own title: for a cover notice "X关于印发《Y》的通知" it is Y as
  the document heads its own text (or Y itself); otherwise the first title line.
  A reposting site's prefix ("某网:") and stray spaces between Chinese characters are dropped.
* 文号 — labelled (文号 / 字号) first, then a line or header holding only a 文号; a 文号 cited
  after a 《title》 is a reference to another document and is skipped.
* dates — ISO; keys 成文 / 印发 / 发布 / 公布 / 施行, plus 网页 for a reposting site's page
  date (a page that carried ads or a site prefix is a repost: its date is not the policy's).
* valid_from — 施行 date ("自2024年5月20日起正式施行"; "自印发/下发之日起" → the 印发 or 成文 date);
  valid_until — "有效期至…" (or "有效期N年" counted from valid_from); validity_note — 时效性 / 有效性 as written.
* region — from the issuer (else the title): "泉州经济技术开发区", "泉州", "嘉兴", "安徽" …

Sidecar (``corpus/<stem>.meta.json``): a dict of the same fields. A sidecar value is
used only where the text gave nothing, unless the key is listed in ``"override"``.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

FIELDS = ("title", "issuer", "doc_number", "region", "valid_from", "valid_until", "validity_note")
_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ORG = r"(?:人民政府办公厅|人民政府办公室|人民政府|办公厅|办公室|管理委员会|管委会|委员会|人大常委会|政府|厅|局|委|部|署|院|中心|银行|分行|集团)"
_PLACE = r"[\u4e00-\u9fa5]{1,10}?(?:省|自治区|市|自治州|地区|盟|县|区|旗|新区|开发区)"
_DATE = (r"(\d{4})\s*(?:年|[-./])\s*(\d{1,2})\s*(?:月|[-./])\s*(\d{1,2})\s*日?"
         r"|(\d{4})\s*(?:年|[-./])\s*(\d{1,2})\s*月?(?![\d])"
         r"|([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fa5]{1,12}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d{1,5}\s*号"
    r"|[\u4e00-\u9fa5]{2,20}令\s*第\s*[\d一二三四五六七八九十百零〇]+\s*号"
    r"|[\u4e00-\u9fa5]{2,20}公告\s*(?:\d{4}\s*年\s*)?第\s*\d+\s*号"
)


def read_metadata(text: str, sidecar: dict[str, Any] | None = None, cleaned: str | None = None) -> dict[str, Any]:
    """Raw document text (+ sidecar) → {title, issuer, doc_number, region, dates,
    valid_from, valid_until, validity_note}. Missing values are ""; ``dates`` may be empty."""
    if cleaned is None:
        from index.ingest.cleaning import clean_text

        cleaned = clean_text(text).text
    head = text[:3000]
    meta: dict[str, Any] = {k: "" for k in FIELDS}
    dates: dict[str, str] = {}

    notice, title = find_titles(cleaned)
    meta["doc_number"] = find_doc_number(head, cleaned) or find_attachment_number(text)
    meta["issuer"] = find_issuer(head, notice or title)
    meta["title"] = title or notice

    for label, key in (("成文日期", "成文"), (r"发文日期(?:\s*\(印发\))?", "印发"), ("印发日期", "印发"),
                       ("公布日期", "公布"), ("施行日期", "施行"), ("实施日期", "施行")):
        m = re.search(rf"{label}\s*[】:：]?\s*({_DATE})", head)
        if m:
            dates.setdefault(key, parse_date(m.group(1)))
    m = re.search(rf"发布日期\s*[:：]\s*({_DATE})", head)
    if m:
        repost = bool(re.search(r"咨询热线|客服|热线电话|[^\x00-\x7f]ad\d", text[: m.end() + 40])) or _site_prefix(notice or title)
        dates["网页" if repost else "发布"] = parse_date(m.group(1))
    m = re.search(rf"{_ORG}\s*({_DATE})", cleaned[:4000])  # the signature: 嘉兴市人民政府 2024年4月18日
    if m and "成文" not in dates:
        dates["成文"] = parse_date(m.group(1))
    m = re.search(r"^.{4,120}?[（(]\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*[）)]\s*$", cleaned[:400], re.M)
    if m and not dates:  # a compendium title line ending "（2023 年6 月15 日）"
        dates["印发"] = parse_date(m.group(1))

    # The document's own provisions close it; an earlier date may belong to a single measure.
    # '自A起施行' / '自A起至B施行' / '有效期：A至B' ('自A至B，对…' or '实施期限为A至B' in the body is one
    # measure's period)
    m = _last(rf"[自从]\s*({_DATE})\s*起?\s*(?:(?:正式)?(?:施行|实施|执行|生效|试行)"
              rf"|至\s*(?:{_DATE})\s*止?\s*(?:施行|实施|执行|试行|有效))", cleaned) \
        or _last(rf"(?:有效期|有效期限|试行期|试行期限)\s*[:：]?\s*(?:为|是)?\s*[自从]?\s*({_DATE})\s*起?\s*(?:至|到)", cleaned)
    if m:
        dates.setdefault("施行", parse_date(m.group(1)))
    meta["valid_from"] = dates.get("施行", "")
    if not meta["valid_from"] and re.search(r"[自从](?:印发|下发|发布|公布)之日起\s*(?:施行|实施|执行|生效)", cleaned):
        meta["valid_from"] = dates.get("印发") or dates.get("成文") or dates.get("公布") or dates.get("发布", "")
    meta["valid_until"] = valid_until(cleaned, meta["valid_from"])
    m = re.search(r"(?:时效性|有效性)\s*[】:：]\s*([\u4e00-\u9fa5]{1,6})", head)
    if m:
        meta["validity_note"] = m.group(1)
    meta["region"] = (find_region(meta["issuer"]) or find_region(meta["title"])
                      or region_fallback(notice, meta["title"], meta["doc_number"], head))
    meta["dates"] = dates
    return apply_sidecar(meta, sidecar or {})


# A sentence that speaks of the document itself ('本办法…', '以上措施…') says how long the document
# runs; an end date elsewhere ('…费率政策，执行期限至2023年4月30日') may belong to one measure.
_SELF = re.compile(r"本(?:政策措施|政策|办法|规定|通知|意见|实施意见|方案|实施方案|行动方案|措施|若干措施|细则|实施细则|条例|决定|计划|行动计划|规划|指引|文件)"
                   r"|(?:以上|上述)(?:措施|政策|条款)")
_PERIOD_WORD = r"(?:有效期|有效期限|试行期|试行期限|执行期|执行期限|实施期|实施期限|施行期|施行期限)"
# '有效期：A至B' / '自A起至B施行' / '起施行，至B止' / 'B废止' / '有效期至2025年底'
_UNTIL = re.compile(
    rf"(?:{_PERIOD_WORD}\s*[:：]?\s*(?:为|是|暂定为?|定为)?\s*(?:(?:自|从)?\s*(?:{_DATE})\s*(?:起)?\s*)?(?:至|到|截至|截止到?)"
    rf"|(?:执行|实施|施行|有效|试行)(?:至|到|截至|截止到?)"
    rf"|[自从]\s*(?:{_DATE})\s*起?\s*至|(?<=[，,])\s*至(?=\s*\d{{4}}\s*年[^，,。；;]{{0,12}}止))"
    rf"\s*(?P<until>{_DATE}|\d{{4}}\s*年\s*(?:底|末))"
    rf"|(?<=[，,])\s*(?P<until2>{_DATE})\s*(?:起)?(?:废止|失效|停止执行)")
_YEARS = re.compile(rf"(?:{_PERIOD_WORD}\s*[:：]?|试行)\s*(?:为|是|暂定为?|定为)?\s*(?P<n>[1-9]|10|[一二两三四五六七八九十])\s*(?:个)?\s*年")
_CN_YEARS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def valid_until(cleaned: str, valid_from: str) -> str:
    """The document's last day from any wording: '有效期至…', '执行至…', '执行期限为A至B',
    '有效期N年' / '试行期两年' (counted from ``valid_from``). A sentence about the document itself
    ('本办法…', '以上措施…') outranks a date that may be one measure's; among equals the last wins."""
    best: tuple[int, int, str] | None = None  # (self-reference, position, date)
    tail = len(cleaned) - 600
    for sentence in _sentences(cleaned):
        start, text = sentence
        about_self = bool(_SELF.search(text))
        for m in _UNTIL.finditer(text):
            measure_word = not re.match(r"有效|试行", m.group(0))
            if measure_word and not about_self and (start + m.start() < tail or re.match(r"[自从]", m.group(0))):
                continue  # '…政策，执行期限至…' / '自A至B，对…' in the body: one measure's end, not the document's
            cand = (int(about_self), start + m.start(), _until_date(m.group("until") or m.group("until2")))
            best = cand if best is None or cand[:2] >= best[:2] else best
        for m in _YEARS.finditer(text):
            if not valid_from or len(valid_from) != 10:
                continue
            if not about_self and start + m.start() < tail:
                continue
            n = m.group("n")
            years = int(n) if n.isdigit() else _CN_YEARS[n]
            begin = dt.date.fromisoformat(valid_from)
            try:
                end = begin.replace(year=begin.year + years) - dt.timedelta(days=1)
            except ValueError:  # 29 February
                end = begin.replace(year=begin.year + years, day=28)
            cand = (int(about_self), start + m.start(), end.isoformat())
            best = cand if best is None or cand[:2] >= best[:2] else best
    return best[2] if best else ""


def _until_date(text: str) -> str:
    """A last day as written: a date, or '2025年底' / '2025年末' (31 December)."""
    if m := re.fullmatch(r"(\d{4})\s*年\s*(?:底|末)", re.sub(r"\s", "", text)):
        return f"{m.group(1)}-12-31"
    return parse_date(text)


def _sentences(text: str):
    start = 0
    for m in re.finditer(r"[。\n；;]", text):
        yield start, text[start:m.end()]
        start = m.end()
    if start < len(text):
        yield start, text[start:]


def _last(pattern: str, text: str) -> re.Match[str] | None:
    m = None
    for m in re.finditer(pattern, text):
        pass
    return m


def apply_sidecar(meta: dict[str, Any], sidecar: dict[str, Any]) -> dict[str, Any]:
    """Fill what the text lacks from the sidecar; keys in sidecar["override"] always win."""
    override = set(sidecar.get("override", []))
    for key, value in sidecar.items():
        if key in ("override", "note", "notes"):
            continue
        if key == "dates":
            for k, v in value.items():
                if "dates" in override or k not in meta["dates"]:
                    meta["dates"][k] = v
        elif key in override or not meta.get(key):
            meta[key] = value
    return meta


def find_titles(cleaned: str) -> tuple[str, str]:
    """Cleaned text → (notice title, policy title); either may be ""."""
    lines = [ln.strip() for ln in cleaned.split("\n")[:40] if ln.strip()]
    candidates = [_tidy_title(ln) for ln in lines if _is_title_line(ln)]
    candidates = [c for c in candidates if c]
    if not candidates:
        return "", ""
    first = next((c for c in candidates if "关于" in c), candidates[0])
    m = re.search(r"(?:关于)?印发(?:关于)?《?(.+?)》?(?:的?(?:通知|决定))?$", first) if "印发" in first else None
    if not m:
        return first, first
    inner = m.group(1)
    core = inner[2:] if inner.startswith("关于") else inner
    for c in candidates:  # the policy's own heading, as the document writes it
        if c != first and (c == inner or c.endswith("关于" + core) or c == core):
            return first, c
    return first, inner  # as the notice names it, so the title stays verbatim


def _is_title_line(line: str) -> bool:
    if len(line) > 160 or line[-1] in "。；;，,：:" or re.match(r"\d{1,2}\s?[、.．]|[（(][一二三四五六七八九十\d]+[）)]", line):
        return False
    body = line
    while re.search(r"[（(][^（()）]*[）)]$", body):  # （试行）（征求意见稿）（2023 年6 月15 日）
        body = re.sub(r"\s*[（(][^（()）]*[）)]$", "", body)
    if "印发" in body and body.endswith("》"):
        return True
    return bool(re.search(r"(?:通知|意见|方案|办法|规定|细则|措施|决定|计划|条例|政策|纲要|公告|批复|规划|要点|任务|清单|举措|条)$",
                          body)) and ("关于" in line or len(line) >= 8)


def _tidy_title(line: str) -> str:
    line = _site_prefix_strip(line)
    line = re.sub(r"[（(]\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[）)]$", "", line)  # compendium date
    # Spaces between Chinese characters are layout, not part of a title.
    return re.sub(r"(?<=[\u4e00-\u9fa5“”])\s+(?=[\u4e00-\u9fa5“”\d])|(?<=\d)\s+(?=[\u4e00-\u9fa5])", "", line).strip()


def _site_prefix(title: str) -> bool:
    return bool(title) and _site_prefix_strip(title) != title


def _site_prefix_strip(line: str) -> str:
    # "潍坊市"专精特新"奖励政策:潍坊市人民政府 关于…": a reposting site's label before a colon.
    m = re.match(r"^([^:：《]{2,40})[:：]\s*(.+)$", line)
    if m and "关于" not in m.group(1) and "关于" in m.group(2):
        return m.group(2)
    return line


def find_doc_number(head: str, cleaned: str) -> str:
    """The document's own 文号, or ""."""
    m = re.search(r"(?:文号|字\s*号|发文字号)\s*[】:：]?\s*(" + DOC_NUMBER.pattern + ")", head)
    if m:
        return _tidy_number(m.group(1))
    for line in cleaned.split("\n")[:30]:
        line = line.strip()
        m = DOC_NUMBER.fullmatch(line.strip("（）() "))
        if m:
            return _tidy_number(m.group(0))
    # Otherwise the first 文号 in the opening lines that is not a citation of another 《document》.
    opening = cleaned[:600]
    for m in DOC_NUMBER.finditer(opening):
        before = opening[max(0, m.start() - 3): m.start()]
        if "》" in before or "〉" in before:
            continue
        if re.search(r"(?:根据|按照|依据|依照|落实|贯彻)[^。]{0,60}$", opening[: m.start()]):
            continue
        return _tidy_number(m.group(0))
    return ""


def find_attachment_number(text: str) -> str:
    """The 文号 in the name of the page's attached original ("嘉政发〔2024〕14号.doc",
    "相关附件：广安府规〔2022〕3号印发…pdf"): the document's own file, so its own number."""
    m = re.search(rf"(?:相关附件\s*[:：]\s*|^)({DOC_NUMBER.pattern})[^\n]{{0,120}}?\.(?:docx?|pdf|wps|ofd)\b", text, re.M)
    return _tidy_number(m.group(1)) if m else ""


def _tidy_number(s: str) -> str:
    return re.sub(r"\s+", "", s)


def find_issuer(head: str, title: str) -> str:
    """The issuing authority (see the module docstring for the rule)."""
    labelled = ""
    # "发布机构: X", "【制定机关】X", or a table row "发布机构 X" (HTML cells)
    m = re.search(r"(?:发布机构|制定机关|发布单位|发文机关|发文单位|来源)(?:\s*[】:：]\s*|[ \t]+)"
                  r"([\u4e00-\u9fa5（）()]{2,40}?)(?=\s|$|[•,，;；])", head, re.M)
    if m:
        labelled = m.group(1)
    if labelled and re.match(_PLACE, labelled) and not re.match(r"^(?:市|省|县|区)(?:政府|人民政府|委|直)", labelled):
        return labelled
    m = re.match(rf"^(.{{2,40}}?{_ORG}(?:等\s*[\d一二三四五六七八九十]+\s*个?部门)?)(?:\s*(?:关于|印发)|[、 ])", title or "")
    if m:
        return m.group(1)
    return labelled


def find_region(name: str) -> str:
    """An issuer or title → its place: 泉州经济技术开发区 / 泉州 / 嘉兴 / 安徽 …"""
    if not name:
        return ""
    name = re.sub(r"^(?:国家税务总局|中共|中国共产党)", "", name)
    m = re.match(r"^([\u4e00-\u9fa5]{2,8}?(?:经济技术开发区|高新技术产业开发区|高新区|经开区|开发区|新区|自由贸易试验区))", name)
    if m and not re.match(r"^(?:国家|省|市)", m.group(1)):
        return m.group(1)
    m = re.match(r"^([\u4e00-\u9fa5]{2,4}?)(?:[\u4e00-\u9fa5]{1,3}?族)+自治[州县]", name)  # 甘孜藏族自治州 → 甘孜
    if m:
        return m.group(1)
    m = re.match(r"^([\u4e00-\u9fa5]{2,7}?)(?:维吾尔自治区|壮族自治区|回族自治区|自治区|省|市|自治州|州|地区|盟)", name)
    if m:
        return m.group(1)
    m = re.match(r"^([\u4e00-\u9fa5]{1,6}?[县区旗])", name)
    return m.group(1) if m else ""


def _provinces() -> list[tuple[str, tuple[str, ...]]]:
    from importlib.resources import files

    text = files("index.ingest").joinpath("data", "provinces.tsv").read_text(encoding="utf-8")
    rows = [ln.split("\t") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return [(r[0], tuple(r[1].split())) for r in rows]


PROVINCES = _provinces()


def region_fallback(notice: str, title: str, doc_number: str, head: str = "") -> str:
    """The place of a document whose issuer names none: the first line's sender
    ('吉林省政务服务…局等部门关于印发…' → 吉林), a province named in the title or first line
    ('…推动上海市工程建设…', '中国(上海)自由贸易试验区…'), else the province a document
    number's first character abbreviates ('沪商自贸〔2023〕132号' → 上海); '' when none does."""
    first = next((ln.strip() for ln in head.splitlines() if ln.strip()), "")
    sender = re.split(r"关于|印发", first)[0]
    if sender and (r := find_region(sender)):
        return r
    for text in (title, notice, first):
        found = [(text.find(p), p) for p, _a in PROVINCES if p in (text or "")]
        if found:
            return min(found)[1]
    m = re.match(r"^([\u4e00-\u9fa5])[\u4e00-\u9fa5]{1,6}[〔\[［【(（]", doc_number or "")
    if m:
        return next((p for p, abbrs in PROVINCES if m.group(1) in abbrs), "")
    return ""


def parse_date(s: str) -> str:
    """'2015-08-26' / '2019.10.29' / '2016.06' / '2024年4月18日' / '二〇二四年四月十八日' → ISO (or YYYY-MM)."""
    s = re.sub(r"\s+", "", s)
    m = re.fullmatch(r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日", s)
    if m:
        y = int("".join(str(_CN_DIGIT[c]) for c in m.group(1)))
        return f"{y:04d}-{cn_to_int(m.group(2)):02d}-{cn_to_int(m.group(3)):02d}"
    nums = [int(x) for x in re.findall(r"\d+", s)]
    if len(nums) >= 3:
        return f"{nums[0]:04d}-{nums[1]:02d}-{nums[2]:02d}"
    if len(nums) == 2:
        return f"{nums[0]:04d}-{nums[1]:02d}"
    return ""


def cn_to_int(s: str) -> int | None:
    """'十一' → 11, '二十' → 20, '一百零一' → 101, '12' → 12; None if not a number."""
    if s.isdigit():
        return int(s)
    total, cur = 0, 0
    for ch in s:
        if ch in _CN_DIGIT:
            cur = _CN_DIGIT[ch]
        elif ch in "十百":
            total += (cur or 1) * (10 if ch == "十" else 100)
            cur = 0
        else:
            return None
    return (total + cur) or None


def int_to_cn(n: int) -> str:
    """11 → '十一', 23 → '二十三', 101 → '一百零一' (display paths)."""
    d = "零一二三四五六七八九"
    if n < 10:
        return d[n]
    if n < 100:
        return ("" if n < 20 else d[n // 10]) + "十" + (d[n % 10] if n % 10 else "")
    rest = n % 100
    return d[n // 100] + "百" + ("" if not rest else "零" + d[rest] if rest < 10 else d[rest // 10] + "十" + (d[rest % 10] if rest % 10 else ""))
