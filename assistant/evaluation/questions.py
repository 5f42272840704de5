"""Question sets: JSONL lines → validated ``Question`` records (the format in eval/README.md).

    norm(text) -> str                                 NFKC, whitespace removed: the matching form
    parse_question(obj) -> Question                    ValueError naming the bad field
    load_questions(paths, ids=None) -> list[Question]  QuestionSetError(file, line, reason)
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

from assistant.errors import QuestionSetError

_FIELDS = {
    "id", "category", "question", "turns", "answerable", "expected_doc", "expected_docs_all",
    "expected_clause", "expected_amount_yuan", "must_mention",
}
_WS = re.compile(r"\s+")


def norm(text: str) -> str:
    """NFKC, then every whitespace character removed: the form all matching is done in."""
    return _WS.sub("", unicodedata.normalize("NFKC", text or ""))


@dataclass(frozen=True)
class Question:
    """One line of a question set. ``turns`` holds one string for a plain question."""

    id: str
    category: str
    turns: tuple[str, ...]
    answerable: bool
    expected_doc: tuple[str, ...] = ()
    expected_docs_all: bool = False
    expected_clause: str = ""
    expected_amount_yuan: Decimal | None = None
    must_mention: tuple[str, ...] = ()
    source: str = ""  # file:line, for messages

    @property
    def text(self) -> str:
        """The question the expectations apply to (the last turn)."""
        return self.turns[-1]


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(s, str) and s.strip() for s in value):
        raise ValueError(f"'{name}' must be a list of non-empty strings")
    return tuple(value)


def parse_question(obj: Any) -> Question:
    """A decoded JSON object → Question. Raises ValueError saying which field is wrong."""
    if not isinstance(obj, dict):
        raise ValueError("a line must be a JSON object")
    unknown = set(obj) - _FIELDS
    if unknown:
        raise ValueError(f"unknown field(s): {', '.join(sorted(unknown))}")
    for key in ("id", "category"):
        if not isinstance(obj.get(key), str) or not obj[key].strip():
            raise ValueError(f"'{key}' must be a non-empty string")
    if ("question" in obj) == ("turns" in obj):
        raise ValueError("give exactly one of 'question' (string) or 'turns' (list of strings)")
    if "question" in obj:
        if not isinstance(obj["question"], str) or not obj["question"].strip():
            raise ValueError("'question' must be a non-empty string")
        turns: tuple[str, ...] = (obj["question"],)
    else:
        turns = _strings(obj["turns"], "turns")
        if not turns:
            raise ValueError("'turns' must not be empty")
    if not isinstance(obj.get("answerable"), bool):
        raise ValueError("'answerable' must be true or false")
    docs = _strings(obj.get("expected_doc", []), "expected_doc")
    clause = obj.get("expected_clause", "")
    if not isinstance(clause, str):
        raise ValueError("'expected_clause' must be a string")
    if not isinstance(obj.get("expected_docs_all", False), bool):
        raise ValueError("'expected_docs_all' must be true or false")
    amount = obj.get("expected_amount_yuan")
    if amount is not None:
        # parsed with Decimal hooks, so 0.1 stays exactly 0.1
        if isinstance(amount, bool) or not isinstance(amount, (int, Decimal)) or amount < 0:
            raise ValueError("'expected_amount_yuan' must be a non-negative number")
        amount = Decimal(amount)
    mention = _strings(obj.get("must_mention", []), "must_mention")
    if obj["answerable"]:
        if not docs or not clause.strip():
            raise ValueError("an answerable question needs 'expected_doc' and 'expected_clause'")
    elif docs or clause or amount is not None:
        raise ValueError("an unanswerable question takes no expected_doc/expected_clause/expected_amount_yuan")
    return Question(
        id=obj["id"], category=obj["category"], turns=turns, answerable=obj["answerable"],
        expected_doc=docs, expected_docs_all=obj.get("expected_docs_all", False),
        expected_clause=clause, expected_amount_yuan=amount, must_mention=mention,
    )


def load_questions(paths: Iterable[str | Path], ids: Iterable[str] | None = None) -> list[Question]:
    """JSONL files → questions, in file order. Blank lines are skipped.

    Raises QuestionSetError(file, line, reason) for unreadable files, bad JSON, a bad field or a
    repeated id. ``ids`` keeps only those ids (every one must exist).
    """
    out: list[Question] = []
    seen: dict[str, str] = {}
    for path in paths:
        p = Path(path)
        try:
            lines = p.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise QuestionSetError(str(p), 0, f"cannot read file: {exc}") from None
        for no, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line, parse_float=Decimal)
                q = parse_question(obj)
            except json.JSONDecodeError as exc:
                raise QuestionSetError(str(p), no, f"not valid JSON ({exc.msg})") from None
            except ValueError as exc:
                raise QuestionSetError(str(p), no, str(exc)) from None
            if q.id in seen:
                raise QuestionSetError(str(p), no, f"id {q.id!r} already used at {seen[q.id]}")
            seen[q.id] = f"{p}:{no}"
            out.append(Question(**{**q.__dict__, "source": f"{p}:{no}"}))
    if ids is not None:
        wanted = list(ids)
        missing = [i for i in wanted if i not in seen]
        if missing:
            raise QuestionSetError("(id list)", 0, f"unknown question id(s): {', '.join(missing)}")
        keep = set(wanted)
        out = [q for q in out if q.id in keep]
    return out
