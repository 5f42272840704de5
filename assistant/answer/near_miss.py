"""Near-misses by subject: a sum asked for something the asked region's documents grant nothing for.

    missing_subject(question, lead, kb, regions) -> str   the name asked that no money sentence holds

A question asks how much is given for a named thing ('…智慧仓储系统补贴多少'); the clause an answer
would lead with grants money for something else (工业设计中心), and no sentence of the documents
asked about both names that thing and states a sum or a grant for it. The thing is read from the
question (its noun words, joined when adjacent) and looked for in the documents' own sentences —
no list of benefits. Only names the documents use somewhere decide: an everyday word no clause
uses is left to the on-topic check, so colloquial phrasing of a covered topic is not refused here.
"""
from __future__ import annotations

import re

from assistant.answer.fit import clause_count
from assistant.lexicon.places import is_place, regions_in
from assistant.lexicon.vocab import DOCUMENT_WORDS
from assistant.question.terms import GENERIC, holds

# a sum asked ('奖励多少', '补贴几万', '能拿多少钱'); '有没有补贴' asks whether, which the
# no-money check already answers from the lead clause
_SUM_ASKED = re.compile(r"多少|几万|几千|几百|金额|标准是|最高.{0,4}[补奖给]")
# a sentence that grants money: a sum, a share, or a grant word (tax relief is not a sum given)
_GRANTS = re.compile(r"\d[\d.,]*\s*(?:万元|亿元|元)|奖励|补助|补贴|资助|奖补|奖金|贴息|扶持资金")
_SENTENCE = re.compile(r"[^。；;！!？?\n]+")
# tiers and kinds the question may name beside the thing: not the thing itself
_TIER = re.compile(r"^(?:国家|省|市|区|县|国际|全国)?级?$|级$|^(?:首次|新|首批|年度)")
_NOUN = ("n", "nz", "nt", "nr", "j", "l", "eng")  # not vn: 投资/辅导/研发 say what is done; not ns: a place
# the phrase that names the benefit asked ('…，一次性就业补贴多少'): from the last mark before a grant word up to it
_BENEFIT_NAMED = re.compile(r"[\u4e00-\u9fffA-Za-z]{2,}?(?=补贴|奖励|补助|资助|奖补|奖金|贴息)")


def subjects(question: str, coverage=None) -> list[str]:
    """The question's names of what a sum is asked for: runs of adjacent noun words of four or
    more characters (工业/互联网/平台, 高新技术), places, tiers and generic words left out."""
    import jieba.posseg

    places = set(regions_in(question))
    out: list[tuple[str, ...]] = []
    run: list[str] = []
    pos = 0
    cut = list(jieba.posseg.cut(question)) + [None]
    for k, w in enumerate(cut):
        word = w.word if w else ""
        pos += len(word)
        nxt = cut[k + 1] if k + 1 < len(cut) else None
        # a verbal noun between nouns qualifies the thing ('花卉苗木出口企业'): part of its name
        noun = w is not None and (w.flag in _NOUN or w.flag == "vn" and bool(run) and nxt is not None
                                  and nxt.flag in _NOUN)
        keep = (noun and len(word) >= 2 and word not in GENERIC
                and word not in places and not is_place(word, coverage) and not _TIER.search(word)
                and re.fullmatch(r"[\u4e00-\u9fffA-Za-z]+", word) is not None)
        if keep:
            run.append(word)
            continue
        # a run right before a figure names the user's own fact ('合同金额300万'), not a benefit
        if sum(map(len, run)) >= 4 and not re.match(r"\s*(?:[为是约达]|超过)?\s*\d", question[pos - len(word):]):
            out.append(tuple(run))
        run = []
    return out


def _said(text: str, name: str | tuple[str, ...]) -> bool:
    """``text`` holds the name — whole, or each of its words apart ('物流公共信息平台' said as
    '物流公共信息服务平台') — or a document's word for it (data/document_words.tsv)."""
    if isinstance(name, tuple):
        return _said(text, "".join(name)) or len(name) > 1 and all(_said(text, w) for w in name)
    if holds(text, name):
        return True
    for said, words in DOCUMENT_WORDS.items():
        if said in name and any(words[i:i + 4] in text for i in range(max(1, len(words) - 3))):
            if holds(text, name.replace(said, "")) or len(name) == len(said):
                return True
    return False


def _granted_for(name: tuple[str, ...], texts: list[str]) -> bool:
    """Does some sentence naming ``name`` (or the one after it: a heading, then its terms)
    grant money?"""
    for text in texts:
        if not _said(text, name):
            continue
        sentences = _SENTENCE.findall(text)
        for i, s in enumerate(sentences):
            if _said(s, name) and any(_GRANTS.search(x) for x in sentences[i:i + 2]):
                return True
    return False


def missing_subject(question: str, lead, kb, regions: set[str] | None) -> str:
    """The name a sum is asked for that neither the lead clause (with its headings and its
    document's title) nor any money-granting sentence of the asked regions' documents holds;
    '' when there is none or the question asks no sum."""
    if not _SUM_ASKED.search(question):
        return ""
    doc = kb.documents.get(lead.doc_id)
    around = lead.embed_text + "\n" + (doc.title if doc else "")
    coverage = getattr(kb, "coverage", None)
    ids = {d.doc_id for d in kb.documents.values() if not regions or d.region in regions}
    texts = [c.text for c in kb.clauses.values() if c.doc_id in ids]
    runs = subjects(question, coverage)
    # when the question names the benefit, what is asked for is in the phrase naming it; names in the
    # other phrases describe the asker ('招了两名本科毕业生，…就业补贴多少'): conditions, not the subject
    named = [m.group(0) for m in _BENEFIT_NAMED.finditer(question)]
    if named:
        runs = [w for w in runs if any("".join(w) in n for n in named)]
    if any(_said(around, words) for words in runs):
        return ""  # the lead clause names one of them: the others describe the asker ('我们的…获了X奖')
    for words in runs:
        name = "".join(words)
        if clause_count(kb, name) == 0 and not _known_in_parts(kb, name):
            continue
        if not _granted_for(words, texts):
            return name
    return ""


def _known_in_parts(kb, name: str) -> bool:
    """A run of two names ('工业互联网' + '平台') the corpus uses, though never joined verbatim."""
    return any(clause_count(kb, name[:i]) > 0 and clause_count(kb, name[i:]) > 0 and len(name[:i]) >= 3
               for i in range(2, len(name) - 1))


def lead_excerpt(lead, limit: int = 60) -> str:
    """The lead clause's first sentence, verbatim (cut at ``limit`` characters): what the
    documents do grant, said in a refusal."""
    first = _SENTENCE.search(lead.text.strip())
    s = first.group(0).strip() if first else lead.text.strip()
    return s if len(s) <= limit else s[:limit] + "…"
