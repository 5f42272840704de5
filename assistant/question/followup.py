"""Follow-up resolution without an LLM: (question, state of the last turn) → standalone question.

    ConversationState        topic (last doc / clause), standalone question, regions, user figures
    is_followup(text, state) -> bool
    rewrite(text, state, place_names) -> (standalone question, kind)

A follow-up ("那省级的呢？", "4A级的呢？", "我们投了600万元呢？", "那嘉兴呢？") names
one attribute; we substitute it for the attribute of the same kind in the previous
standalone question (level, A-grade, prize tier, figure, region), or append it when the
previous question had none. The LLM mode condenses history through LangChain instead
(assistant/llm.py); both fill ``Answer.rewritten_question``.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from assistant.lexicon.numbers import CN_NUM
from assistant.lexicon.vocab import ADMIN_LEVEL, GRADE, grade_letters

_LEVEL = re.compile(ADMIN_LEVEL)
_LEVEL_ALIASES = {"国家": "国家级", "国家的": "国家级", "省里": "省级", "省": "省级", "市里": "市级", "市": "市级",
                  "区里": "区级", "区": "区级", "县里": "县级", "县": "县级"}
_GRADE = re.compile(rf"(?<![A-Za-z])({GRADE})(?![A-Za-z])级?", re.IGNORECASE)
_PRIZE = re.compile(r"[一二三]等奖")
_FIGURE = re.compile(rf"(?:\d+(?:\.\d+)?|{CN_NUM})\s*(?:万元|亿元|万美元|万平方米|万平米|元|万|亿|台（套）|台套|台|套|%|平方米|平米|家|人)")
_LEAD = re.compile(r"^(?:那么|那如果|那要是|那|如果是|如果|要是|假如|换成|改成|换作|若是|若)\s*")
_TAIL = re.compile(r"(?:的话)?(?:的)?(?:呢|怎么样|怎么算|如何|又如何)?[？?。!！\s]*$")
_INTENT = re.compile(r"(?:有什么|有哪些|有没有|能拿|可以拿|能获得|可获|能补|可以补|补多少|奖励|补助|补贴|资助|支持|怎么|如何|多少|标准|条件|吗)")
_ANAPHORA = re.compile(r"^(?:那|那么|如果|要是|假如|换成|改成)|呢[？?]?$|这个|该政策|上面|刚才|上述")


# a turn about the asker's own situation, or a yes/no question of its own, keeps the subject
_OWN_CASE = re.compile(r"^(?:我|我们|我司|我家|本公司|咱们?)|也(?:能|可以|行|算|享受|适用)|"
                       r"(?:需要|要不要|能不能|可不可以|还用|还要|算不算)|吗$")


def _put(pattern: re.Pattern, word: str, question: str) -> str:
    """The previous question with its first ``pattern`` attribute replaced by ``word``,
    or ``word`` appended when it had none ("…奖励多少（省级）")."""
    if pattern.search(question):
        return pattern.sub(word, question, count=1)
    return f"{question.rstrip('？?')}（{word}）"


def norm_grade(g: str) -> str:
    return grade_letters(g) + "级"


@dataclass
class ConversationState:
    """What a follow-up can lean on. JSON-serialisable (stored in the session file)."""

    question: str = ""  # the last standalone question
    doc_id: str = ""  # topic: document of the top citation
    clause_id: str = ""  # topic: clause of the top citation
    doc_ids: list[str] = field(default_factory=list)  # topic: every document the answer cited
    regions: list[str] = field(default_factory=list)  # covered place names the user named
    facts: dict[str, str] = field(default_factory=dict)  # the user's figures, as text

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict | None) -> "ConversationState":
        d = d or {}
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


def is_followup(text: str, state: ConversationState, topic_text: str = "") -> bool:
    """A short elliptical turn after a previous one ("那省级的呢？", "我们投了600万元呢").

    ``topic_text`` is the clause the previous answer cited: a turn that gives figures and
    whose other words mostly come from that clause ("我们扩建了0.8万平方米，花了950万，补贴有多少？"
    after a question on 仓储配送中心) gives the figures for that topic, however long it is.
    """
    if not state.question:
        return False
    t = text.strip()
    if _FIGURE.search(t) and len(t) <= MAX_FIGURE_TURN:
        words = _topic_words(t)
        if not words or _from_topic(words, state.question + topic_text) or _only_counts(words):
            return True  # "我们花了650万，补多少？": figures for the previous topic
    if len(t) > 30:
        return False
    if _ANAPHORA.search(t):
        return True
    if _FIRST_PERSON.match(t) and _shares_topic(_topic_words(t), topic_text or state.question):
        return True  # "我只贷8万，需要反担保吗？": the asker's own case of the topic just discussed
    # a bare attribute ("省级的？", "600万元") or a bare intent ("能拿多少？")
    core = _core(t)
    return len(core) <= 8 and bool(_LEVEL.search(core) or _GRADE.search(core) or _FIGURE.search(core)
                                   or re.fullmatch(r"(?:能|可以)?(?:拿|补|给|奖)?多少(?:钱)?|怎么申请|要什么条件", core))


_ACTION = re.compile(r"我们|我司|公司|企业|投资|投了|是|投入|花了|花费|一共|总共|今年|去年|一年|能|可以|补|奖|拿|多少|"
                     r"买了|采购|建了|新建|达到|超过|收入|营收|费用|大概|左右|的|了|呢|吗|，|。|？|\s")


MAX_FIGURE_TURN = 80
_CJK = re.compile(r"[\u4e00-\u9fff]+")


def _only_counts(words: str) -> bool:
    """What is left is counting words only ('2022年5层每层' → 年, 层每层): figures, no new subject."""
    runs = _CJK.findall(re.sub(r"[\d.]+", " ", words))
    return bool(runs) and all(len(r) <= 3 for r in runs) and sum(map(len, runs)) <= 6


def _from_topic(words: str, topic: str) -> bool:
    """Most two-character pieces of ``words`` occur in the topic's text (at least two, or the
    only one): the turn adds figures, not a new subject."""
    grams = {run[i:i + 2] for run in _CJK.findall(words) for i in range(len(run) - 1)}
    if not grams:
        return True
    shared = sum(1 for g in grams if g in topic)
    return shared >= min(2, len(grams)) and shared * 3 >= len(grams)


_FIRST_PERSON = re.compile(r"(?:那|那么)?(?:我|我们|我司|我家|本公司|咱们?)")


def _shares_topic(words: str, topic: str) -> bool:
    """Two or more two-character pieces of ``words`` occur in the topic's text."""
    grams = {run[i:i + 2] for run in _CJK.findall(words) for i in range(len(run) - 1)} - _ASKING_GRAMS
    return sum(1 for g in grams if g in topic) >= 2


# pieces of how any question is asked ('有什么补贴', '需要什么条件'): they show no subject
_ASKING_GRAMS = {"什么", "有什", "么补", "么奖", "多少", "怎么", "如何", "哪些", "补贴", "补助", "奖励", "政策",
                 "申请", "条件", "需要", "要求", "可以", "享受", "办理", "规定"}


def _topic_words(text: str) -> str:
    """What is left of a turn once figures and generic verbs are removed."""
    return _ACTION.sub("", _FIGURE.sub("", text))


def _unit(figure: str) -> str:
    """'800万' and '600万元' are the same kind of figure."""
    u = re.sub(r"^[\d.\s]+", "", figure)
    return {"万": "万元", "亿": "亿元", "台套": "台", "套": "台", "台（套）": "台", "万平方米": "平方米",
            "万平米": "平方米", "平米": "平方米"}.get(u, u)


def _core(text: str) -> str:
    t = _TAIL.sub("", _LEAD.sub("", text.strip()))
    return t.strip("，, ")


_ASKS = re.compile(r"怎么样|怎么办|怎么|如何|什么|多少|多久|几|哪|吗|是否|会不会|能不能|可不可以")


def _subject(prev: str) -> str:
    """The previous question less its asking pieces: '某市X证办下来后，多久之内要用？' → '某市X证办下来后'."""
    pieces = [p for p in re.split(r"[，,]", prev.rstrip("？?。")) if p]
    while len(pieces) > 1 and _ASKS.search(pieces[-1]):
        pieces.pop()
    return "，".join(pieces)


def _intent(prev: str) -> str:
    m = _INTENT.search(prev)
    return prev[m.start():] if m else "有什么扶持政策？"


def rewrite(text: str, state: ConversationState, place_names: list[str] | tuple = ()) -> tuple[str, str]:
    """(follow-up, state) → (standalone question, kind). kind is one of
    level / grade / prize / figure / region / topic / case, joined by '+' when several."""
    prev = state.question
    core = _core(text)
    kinds: list[str] = []
    out = prev

    places = [p for p in sorted(place_names, key=len, reverse=True) if p in core]
    if places:
        new_place = places[0]
        old = [p for p in sorted(place_names, key=len, reverse=True) if p in out]
        if old:
            out = out.replace(old[0], new_place)
        else:
            out = f"{new_place}{out}"
        core = core.replace(new_place, "")
        kinds.append("region")

    level = _LEVEL.search(core)
    level_word = level.group() if level else _LEVEL_ALIASES.get(core.strip("的 "))
    if level_word:
        out = _put(_LEVEL, level_word, out)
        core = _LEVEL.sub("", core) if level else ""
        kinds.append("level")

    grade = _GRADE.search(core)
    if grade:
        out = _put(_GRADE, norm_grade(grade.group(1)), out)
        core = _GRADE.sub("", core)
        kinds.append("grade")

    prize = _PRIZE.search(core)
    if prize:
        out = _put(_PRIZE, prize.group(), out)
        core = _PRIZE.sub("", core)
        kinds.append("prize")

    figures = _FIGURE.findall(core)
    if figures:
        for fig in figures:
            unit = _unit(fig)
            same = [m for m in _FIGURE.finditer(out) if _unit(m.group()) == unit]
            if same:
                m = same[0]
                out = out[:m.start()] + fig + out[m.end():]
            else:
                out = f"{out.rstrip('？?')}，{core}" + ("？" if re.search("多少|怎么算", core) else "，能拿多少？")
                break
        kinds.append("figure")
        core = ""

    rest = re.sub(r"[的了呢？?\s，,]", "", core)
    if not kinds and rest and _OWN_CASE.search(core):
        # the asker's own case on the same subject ("那我们信用一直很好呢", "合伙企业也适用吗"):
        # the previous question stays, the turn is added to it
        out = f"{prev.rstrip('？?。')}，{core.rstrip('？?')}？"
        kinds.append("case")
    elif not kinds and len(rest) >= 6 and _ASKS.search(asked := _LEAD.sub("", text.strip())):
        # a question of its own about what follows from the subject just discussed ("要是到期
        #办不完，又没续期，会怎么样？"): the previous subject stays, the previous ask goes
        out = f"{_subject(prev)}，{asked.rstrip('？?。')}？"
        kinds.append("case")
    elif not kinds:
        # a new subject with the previous intent: "那物流平台呢" → "物流平台奖励多少"
        out = f"{core}{_intent(prev)}" if rest else prev
        kinds.append("topic")
    return out, "+".join(kinds)
