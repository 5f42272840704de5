"""Places: detect them in a question, and which of the corpus's document regions they name.

    regions_in(text) -> list[str]           place names (gazetteer) a text mentions
    region_core(name) -> str                a region's own name (福建省泉州市 → 泉州)
    is_place(word, coverage=None) -> bool   a word that is only a place name
    Coverage.from_kb(kb)                    covered regions, derived from kb.documents:
        .resolve(mention) -> set[str]       the document regions a mention refers to
        .primary(mention) -> set[str]       of those, the place named itself (not an area inside it)
    named_documents(kb, q, regions, terms) -> set[str]   the one document a year (or a count of
                                            measures, '二十条') + title words name

The covered regions are read from the documents' ``region`` fields, never listed here; the
gazetteer only lets us *detect* place names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.lexicon.data import rows, words

PROVINCES = words("places", "province", kind_column=2)
# city → province; county-level units → their city (so 晋江 counts as 泉州); data/places.tsv
CITIES = {e.columns[0]: e.columns[1] for e in rows("places") if e.columns[2] in ("city", "county")}
_PLACE_NAMES = sorted(set(PROVINCES) | set(CITIES), key=lambda n: (-len(n), n))
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
    # (region, text) of each document: a city without documents of its own is also reached by
    # the documents of its province that name it in their text ('对江门、惠州、肇庆市…')
    texts: list[tuple[str, str]] = field(default_factory=list, repr=False)
    _named: dict[tuple[str, str], set[str]] = field(default_factory=dict, repr=False)
    # (number of keys, names mention_spans looks for), refilled when keys are added
    _mention_cache: tuple[int, tuple[str, ...]] = field(default=(-1, ()), repr=False, compare=False)

    @classmethod
    def from_kb(cls, kb) -> "Coverage":
        cov = cls()
        for doc in kb.documents.values():
            region = (doc.region or "").strip()
            if not region:
                continue
            cov.texts.append((region, doc.text))
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
        return sorted(self.keys, key=lambda n: (-len(n), n))

    def resolve(self, mention: str) -> set[str]:
        """Exact document region values a mention refers to ("" set when not covered)."""
        if mention in self.keys:
            return set(self.keys[mention])
        # up the hierarchy: a county-level city of a covered city (晋江 → 泉州), else a city of a
        # covered province (格尔木 → 青海, 宜宾 → 四川): the nearest place the corpus holds documents of
        # a covered region written inside the mention ('云港' of a document whose text lost a
        # character, asked as '连云港'): the documents of that place
        inside = {r for key, rs in self.keys.items() if len(key) >= 2 and key in mention for r in rs}
        if inside:
            return inside
        parent = CITIES.get(mention)
        while parent:
            if parent in self.keys:
                return set(self.keys[parent]) | self._naming(mention, parent)
            parent = CITIES.get(parent)
        return set()

    def _naming(self, place: str, province: str) -> set[str]:
        """Regions of the province's other places whose documents name ``place`` in their text."""
        if len(place) < 2:
            return set()
        key = (place, province)
        if key not in self._named:
            self._named[key] = {region for region, text in self.texts
                                if place in text and _province_of(region) == province}
        return set(self._named[key])

    def places_inside(self, mention: str) -> set[str]:
        """Document regions of the cities and counties inside a province named by ``mention``
        (广东 → 广州, 深圳 …): where a question about the province goes when the province's
        own documents do not speak to it. Empty for a mention that is no province."""
        province = mention if mention in PROVINCES else ""
        if not province:
            return set()
        own = self.resolve(mention)
        return {region for region, _ in self.texts
                if region not in own and _province_of(region) == province}

    def naming_elsewhere(self, mention: str) -> set[str]:
        """Regions of the other places of a city's province whose documents name the city in
        their text (a provincial or a neighbour's measure '对江门、惠州…机构'): where a question
        about the city goes when the city's own documents do not speak to it."""
        province = _province_of(mention)
        if not province or mention in PROVINCES:
            return set()
        return self._naming(mention, province) - self.resolve(mention)

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

    def _mention_names(self) -> tuple[str, ...]:
        """The covered names and the known place names, once per set of keys (non-empty only)."""
        if self._mention_cache[0] != len(self.keys):
            names = tuple(n for n in set(self.covered_names()) | set(_PLACE_NAMES) if n)
            self._mention_cache = (len(self.keys), names)
        return self._mention_cache[1]

    def mention_spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, name) of each mention: longer names first; of two overlapping names of
        one length the leftmost ("湖北海关" is 湖北, not 北海). Never decided by set order,
        which changes from one process to the next (string hashing is salted)."""
        found = []
        for n in self._mention_names():
            i = text.find(n)  # a plain substring search: one regex per name per call cost half an answer
            while i >= 0:
                found.append((i, i + len(n), n))
                i = text.find(n, i + len(n))
        taken: list[tuple[int, int, str]] = []
        for s0, e0, n in sorted(found, key=lambda f: (f[0] - f[1], f[0], f[2])):
            if not any(s < e0 and s0 < e for s, e, _ in taken):
                taken.append((s0, e0, n))
        return sorted(taken)


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=年|〔|\]|】)")
# words by which a question points at a document, not at an event of its own
_NAMES_A_DOCUMENT = re.compile(r"文件|方案|意见|办法|通知|规定|细则|措施|条例|政策|计划|版|印发|出台|发的|出的|〔")


def _province_of(region: str) -> str:
    """The province a document region lies in ('' when unknown): 广州 → 广东."""
    name = region_core(region)
    seen = set()
    while name in CITIES and name not in seen:
        seen.add(name)
        name = CITIES[name]
    return name if name in PROVINCES else ""


# a policy named by its count of measures: '二十条', '30条', '新十条'
_MEASURES = re.compile(r"[一二三四五六七八九十百两\d]+条")


def _by_measures(kb, q: str, regions: set[str] | None, terms: list[str]) -> set[str]:
    """"按招商二十条…": a count of measures the question names ('二十条') and another of its words,
    both in the title of exactly one document of the region, name that document."""
    counts = set(_MEASURES.findall(q))
    if not counts:
        return set()
    hits = set()
    for doc in kb.documents.values():
        if regions and not any(r in doc.region for r in regions):
            continue
        if any(c in doc.title for c in counts) and any(t in doc.title and not _MEASURES.fullmatch(t)
                                                        and not any(t in c for c in counts) for t in terms):
            hits.add(doc.doc_id)
    return hits if len(hits) == 1 else set()


_ADMIN_SUFFIX = "区县市镇旗"


def _inner_place(kb, q: str, regions: set[str] | None) -> set[str]:
    """"上海金山的…": a name written right after the region asked ('金山') that the titles or
    issuers of one to three of the region's documents give as a district or county ('金山区')
    names the place inside the region the question is about: those documents. The region a
    document is filed under may be the city, while its title says which district issued it."""
    if not regions:
        return set()
    for region in sorted(regions, key=len, reverse=True):
        at = q.find(region)
        if at < 0:
            continue
        rest = q[at + len(region):].lstrip("市省")
        for n in (3, 2):
            name = rest[:n]
            if len(name) < n or not all("\u4e00" <= c <= "\u9fff" for c in name):
                continue
            docs = {d.doc_id for d in kb.documents.values() if region in d.region
                    and any(name + x in f"{d.title} {d.issuer}" for x in _ADMIN_SUFFIX)}
            if 1 <= len(docs) <= 3:
                return docs
    return set()


def named_documents(kb, q: str, regions: set[str] | None, terms: list[str]) -> set[str]:
    """"嘉兴2024年那个两业融合的文件": a year and words of one document's title name that
    document — the answer keeps to it, not to a later document on the same subject.
    Empty unless exactly one document has both the year (文号, dates, title) and a title word —
    or, for a policy named by its count of measures ('招商二十条'), both that count and another
    word of the question in its title; or a district written after the region ('上海金山') that
    the titles or issuers of one to three of its documents name (``_inner_place``)."""
    terms = [t for t in terms if len(t) >= 2]
    if (counted := _by_measures(kb, q, regions, terms)):
        return counted
    if (inside := _inner_place(kb, q, regions)):
        return inside
    years = set(_YEAR.findall(q))
    if not years or not _NAMES_A_DOCUMENT.search(q):
        # "2023年我们新设了外资企业": a year the asker's own story happened, not a document's
        return set()
    hits = set()
    for doc in kb.documents.values():
        if regions and not any(r in doc.region for r in regions):
            continue
        own = set(re.findall(r"(?:19|20)\d{2}", " ".join([doc.doc_number, doc.title, *doc.dates.values()])))
        if years & own and any(t in doc.title for t in terms):
            hits.add(doc.doc_id)
    return hits if len(hits) == 1 else set()
