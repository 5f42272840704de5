"""A fixed view of one index build: what one answer reads from start to end.

    BuildView(kb) -> .documents, .clauses, .clauses_of(doc_id), .search(query, k, **filters),
                     .version, .settings, .coverage, .corpus_text
"""
from __future__ import annotations

import logging

from assistant.answer import scope as scope_mod
from index.errors import PolicyAssistantError
from index.records import ScoredClause

log = logging.getLogger(__name__)


class BuildView:
    """One build of a KnowledgeBase, fixed: what one answer reads from start to end.

    kb → ``documents``, ``clauses``, ``clauses_of``, ``search``, ``version`` and
    ``settings`` of the build that was live when the view was taken (index.store's
    opened build; any other kb is read through), plus what is derived from it once:
    ``coverage`` (scope.Coverage) and ``corpus_text``. Caches other modules keep on the
    kb object (rules_for's table) live on the view, i.e. per build. The view keeps its
    build open until the Assistant takes a newer one (at the next question).
    """

    def __init__(self, kb):
        from index.store.knowledge import KnowledgeBase

        self._kb = kb
        # only the store's own class: a wrapper (eval's one-retriever kb) must keep its search
        self._build = kb._build if type(kb) is KnowledgeBase else None
        src = self._build or kb
        self.version = getattr(src, "version", "") or ""
        self.settings = getattr(kb, "settings", None)
        self.documents = src.documents
        self.clauses = src.clauses
        self.coverage = scope_mod.Coverage.from_kb(self)
        self.corpus_text = "\n".join(d.text for d in self.documents.values())

    def clauses_of(self, doc_id: str):
        if self._build is None:
            return self._kb.clauses_of(doc_id)
        return list(self._build.by_doc.get(doc_id, []))

    def search(self, query: str, k: int = 5, **filters) -> list[ScoredClause]:
        if self._build is None:
            return self._kb.search(query, k=k, **filters)
        from index.store.retrieve import search

        try:
            return search(self._build, query, k=k, **filters)
        except PolicyAssistantError:
            raise
        except Exception as exc:
            # the build's folder went away under an unlocked reader: the live kb searches the
            # new build, and only its clauses that read the same in this view's documents are kept
            log.warning("search on build %s failed (%s); using the live index", self.version, exc)
            hits = self._kb.search(query, k=k, **filters)
            kept = [h for h in hits if self._same(h.clause)]
            if len(kept) < len(hits):
                log.warning("%d clause(s) of another build left out of an answer on build %s",
                            len(hits) - len(kept), self.version)
            return kept

    def _same(self, clause) -> bool:
        doc = self.documents.get(clause.doc_id)
        return doc is not None and doc.text[clause.start:clause.end] == clause.text
