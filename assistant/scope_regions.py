"""Places: detect them in a question, and which of the corpus's document regions they name.

    regions_in(text) -> list[str]           place names (gazetteer) a text mentions
    region_core(name) -> str                a region's own name (福建省泉州市 → 泉州)
    is_place(word, coverage=None) -> bool   a word that is only a place name
    Coverage.from_kb(kb)                    covered regions, derived from kb.documents:
        .resolve(mention) -> set[str]       the document regions a mention refers to
        .primary(mention) -> set[str]       of those, the place named itself (not an area inside it)
    named_documents(kb, q, regions, terms) -> set[str]   the one document a year + title words name

The covered regions are read from the documents' ``region`` fields, never listed here; the
gazetteer only lets us *detect* place names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

PROVINCES = (
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 "
    "广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门"
).split()
# city → province; county-level units → their city (so 晋江 counts as 泉州).
CITIES = {
    "深圳": "广东", "广州": "广东", "东莞": "广东", "佛山": "广东", "珠海": "广东", "中山": "广东", "惠州": "广东",
    "汕头": "广东", "杭州": "浙江", "宁波": "浙江", "温州": "浙江", "绍兴": "浙江", "湖州": "浙江", "金华": "浙江",
    "台州": "浙江", "嘉兴": "浙江", "衢州": "浙江", "舟山": "浙江", "丽水": "浙江", "义乌": "金华",
    "南京": "江苏", "苏州": "江苏", "无锡": "江苏", "常州": "江苏", "南通": "江苏", "扬州": "江苏", "徐州": "江苏",
    "昆山": "苏州", "福州": "福建", "厦门": "福建", "泉州": "福建", "漳州": "福建", "莆田": "福建", "三明": "福建",
    "龙岩": "福建", "宁德": "福建", "南平": "福建", "晋江": "泉州", "石狮": "泉州", "南安": "泉州", "惠安": "泉州",
    "安溪": "泉州", "永春": "泉州", "德化": "泉州", "青岛": "山东", "济南": "山东", "烟台": "山东", "潍坊": "山东",
    "淄博": "山东", "临沂": "山东", "济宁": "山东", "威海": "山东", "日照": "山东", "寿光": "潍坊", "青州": "潍坊",
    "诸城": "潍坊", "高密": "潍坊", "昌邑": "潍坊", "安丘": "潍坊", "海宁": "嘉兴", "桐乡": "嘉兴", "平湖": "嘉兴",
    "嘉善": "嘉兴", "海盐": "嘉兴", "武汉": "湖北", "长沙": "湖南", "郑州": "河南", "合肥": "安徽", "芜湖": "安徽",
    "成都": "四川", "广安": "四川", "绵阳": "四川", "西安": "陕西", "南昌": "江西", "贵阳": "贵州", "昆明": "云南",
    "南宁": "广西", "海口": "海南", "三亚": "海南", "沈阳": "辽宁", "大连": "辽宁", "长春": "吉林", "哈尔滨": "黑龙江",
    "石家庄": "河北", "太原": "山西", "兰州": "甘肃", "西宁": "青海", "银川": "宁夏", "乌鲁木齐": "新疆",
    "呼和浩特": "内蒙古", "拉萨": "西藏", "雄安": "河北", "天津滨海": "天津", "浦东": "上海",
}
_PLACE_NAMES = sorted(set(PROVINCES) | set(CITIES), key=len, reverse=True)
_PLACE_RE = re.compile("|".join(map(re.escape, _PLACE_NAMES)))

def regions_in(text: str) -> list[str]:
    """Place names (gazetteer) mentioned in ``text``, in order, longest match first."""
    out: list[str] = []
    for m in _PLACE_RE.finditer(text):
        if m.group() not in out:
            out.append(m.group())
    return out


_ZONE = re.compile(r"(?:经济技术开发区|高新技术产业开发区|开发区|高新区|经开区)")


def region_core(name: str) -> str:
    """A region's own name: province prefix and a final 省/市/县/区 dropped
    (福建省泉州市 → 泉州, 嘉兴市 → 嘉兴); a zone keeps its suffix (泉州经济技术开发区)."""
    name = name.strip()
    level = r"(?:省|市|(?:壮族|回族|维吾尔)?自治区)"
    for p in PROVINCES:
        if name.startswith(p):
            rest = name[len(p):]
            if re.fullmatch(level + "?", rest):
                return p
            name = re.sub("^" + level, "", rest)
            break
    if re.search(r"(?:开发区|高新区|经开区|新区|园区)$", name):
        return name
    return re.sub(r"(?<=..)(?:自治区|[省市县区])$", "", name)


def is_place(word: str, coverage: "Coverage | None" = None) -> bool:
    """A place name alone ("泉州", "泉州市", "广东省", a covered region's name)."""
    core = re.sub(r"(?<=..)[省市县区]$", "", word)
    return core in CITIES or core in PROVINCES or bool(
        coverage and (word in coverage.keys or core in coverage.keys))


@dataclass
class Coverage:
    """Which places the corpus covers: ``keys`` maps each name a user may say
    (泉州, 泉州经济技术开发区, 嘉兴 …) to the documents' exact region values."""

    keys: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def from_kb(cls, kb) -> "Coverage":
        cov = cls()
        for doc in kb.documents.values():
            region = (doc.region or "").strip()
            if not region:
                continue
            names = {region}
            stripped = region
            for p in PROVINCES:
                if stripped.startswith(p):
                    stripped = re.sub(r"^(?:省|自治区|市)", "", stripped[len(p):]) or stripped
                    break
            if _ZONE.fullmatch(stripped):  # 北京经济技术开发区 is not "the" 经济技术开发区
                stripped = region
            names.add(stripped)
            base = re.sub(r"(?:市|区|县|经济技术开发区|开发区|高新区)$", "", stripped)
            if len(base) >= 2:
                names.add(base)
            names.update(regions_in(stripped))
            for n in names:
                cov.keys.setdefault(n, set()).add(region)
        # "开发区" alone names a development zone the corpus holds: the one, or, when there
        # are several, any of them (the question is about a zone's rules; which zone it does
        # not say, so each zone's answer is labelled with its region).
        zones: dict[str, set[str]] = {}
        for region in {r for rs in cov.keys.values() for r in rs}:
            m = re.search(_ZONE.pattern + "$", region)
            if m:
                for short in {m.group(), "开发区"}:
                    zones.setdefault(short, set()).add(region)
        for short, regions in zones.items():
            if short not in cov.keys:
                cov.keys[short] = regions
        return cov

    def covered_names(self) -> list[str]:
        return sorted(self.keys, key=len, reverse=True)

    def resolve(self, mention: str) -> set[str]:
        """Exact document region values a mention refers to ("" set when not covered)."""
        if mention in self.keys:
            return set(self.keys[mention])
        parent = CITIES.get(mention)
        if parent and parent in self.keys and parent not in PROVINCES:  # a county of a covered city
            return set(self.keys[parent])
        return set()

    def primary(self, mention: str, regions: set[str] | None = None) -> set[str]:
        """Of the regions a mention resolves to, those that *are* the place named:
        "泉州" / "泉州市" → 泉州, not 泉州经济技术开发区 (an area inside it, which the
        mention reaches only through the zone's base name). When none is named so
        ("开发区"), all of them are."""
        regions = self.resolve(mention) if regions is None else regions
        return {r for r in regions if region_core(r) == region_core(mention)} or set(regions)

    def mentions(self, text: str) -> list[str]:
        """Covered names and gazetteer places in ``text`` (longest first, no overlaps)."""
        return [n for _, _, n in self.mention_spans(text)]

    def mention_spans(self, text: str) -> list[tuple[int, int, str]]:
        names = sorted(set(self.covered_names()) | set(_PLACE_NAMES), key=len, reverse=True)
        taken: list[tuple[int, int, str]] = []
        for n in names:
            for m in re.finditer(re.escape(n), text):
                if any(s < m.end() and m.start() < e for s, e, _ in taken):
                    continue
                taken.append((m.start(), m.end(), n))
        return sorted(taken)


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=年|〔|\]|】)")


def named_documents(kb, q: str, regions: set[str] | None, terms: list[str]) -> set[str]:
    """"泉州2015年那个服务型制造文件": a year and words of one document's title name that
    document — the answer keeps to it, not to a later document on the same subject.
    Empty unless exactly one document has both the year (文号, dates, title) and a title word."""
    years = set(_YEAR.findall(q))
    if not years:
        return set()
    terms = [t for t in terms if len(t) >= 2]
    hits = set()
    for doc in kb.documents.values():
        if regions and not any(r in doc.region for r in regions):
            continue
        own = set(re.findall(r"(?:19|20)\d{2}", " ".join([doc.doc_number, doc.title, *doc.dates.values()])))
        if years & own and any(t in doc.title for t in terms):
            hits.add(doc.doc_id)
    return hits if len(hits) == 1 else set()
