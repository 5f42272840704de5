"""Sweep the calculator form over every rule of corpus/ and ../shared/corpus-extra (no model):
how many rules and clauses, how many fields, and how many dead ends — a fact the calculator
reads with no field, an example it refuses, or a form filled with every example that still
ends in '还需要提供'. Prints counts and clause ids only (no document text).

    python benchmarks/sweep_calc_form.py [FOLDER ...]
"""
from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

from assistant.calculator.bind import as_quantity, needs_of
from assistant.calculator.form import example_facts, form_fields
from assistant.calculator.select import calculate_clause
from assistant.rules.catalog import rules_for
from index.config import parse_as_of
from index.errors import InputError
from index.ingest.clauses import split_clauses
from index.ingest.documents import load_corpus

ROOT = Path(__file__).resolve().parents[1]


def main(folders: list[str]) -> int:
    docs = [d for f in folders if Path(f).is_dir() for d in load_corpus(f)[0]]
    kb = SimpleNamespace(documents={d.doc_id: d for d in docs},
                         clauses={c.clause_id: c for d in docs for c in split_clauses(d)},
                         settings=SimpleNamespace(as_of=parse_as_of("2026-11-21")))
    table = rules_for(kb)
    fields = dead = refused = 0
    dead_ids = []
    for cid, rules in table.items():
        form = form_fields(rules)
        fields += len(form)
        named = {n for f in form for n in (f.name, *f.also)}
        for f in form:
            if f.kind != "choice":
                try:
                    as_quantity(f.name, f.example, f.unit if f.kind != "count" else "")
                except InputError:
                    refused += 1
        lacking = any(n not in named for r in rules for n, _k in needs_of(r))
        try:
            open_ = any(c.missing_facts for c in calculate_clause(kb, cid, example_facts(form)))
        except InputError:
            open_ = True
        if lacking or open_:
            dead += 1
            dead_ids.append(cid)
    print(f"documents {len(docs)}, clauses {len(kb.clauses)}, clauses with rules {len(table)}, "
          f"rules {sum(map(len, table.values()))}")
    print(f"form fields {fields}, examples refused {refused}, dead-end clauses {dead}")
    for cid in dead_ids:
        print("  dead end:", cid)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or [str(ROOT / "corpus"), str(ROOT.parent / "shared" / "corpus-extra")]))
