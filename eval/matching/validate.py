#!/usr/bin/env python3
"""Check profiles.jsonl: schema, counts, and that every clause snippet occurs
verbatim (all whitespace removed) in /work/main/corpus/<doc>.txt."""
import json, re, sys, pathlib
HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "corpus"
norm = lambda s: re.sub(r"\s+", "", s)
docs = {p.stem: norm(p.read_text(encoding="utf-8")) for p in CORPUS.glob("*.txt")}
errors, ids, n_exp, n_not, n_amt = [], set(), 0, 0, 0
rows = [json.loads(l) for l in (HERE / "profiles.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]
for r in rows:
    rid = r.get("id")
    if rid in ids: errors.append(f"{rid}: duplicate id")
    ids.add(rid)
    if not isinstance(r.get("profile"), dict): errors.append(f"{rid}: profile not an object")
    exp, nexp = r.get("expected"), r.get("not_expected")
    if not isinstance(exp, list) or not isinstance(nexp, list): errors.append(f"{rid}: expected/not_expected must be lists"); continue
    if exp and not 2 <= len(exp) <= 8: errors.append(f"{rid}: {len(exp)} expected (want 2-8)")
    if not 1 <= len(nexp) <= 3: errors.append(f"{rid}: {len(nexp)} not_expected (want 1-3)")
    keys = set()
    for kind, items in (("expected", exp), ("not_expected", nexp)):
        for it in items:
            d, c = it.get("doc"), it.get("clause", "")
            if d not in docs: errors.append(f"{rid}: unknown doc {d}"); continue
            if not 8 <= len(norm(c)) <= 30: errors.append(f"{rid}: clause length {len(norm(c))}: {c}")
            cnt = docs[d].count(norm(c))
            if cnt == 0: errors.append(f"{rid}: {kind} snippet not in {d}: {c}")
            elif cnt > 1: errors.append(f"{rid}: {kind} snippet ambiguous ({cnt}x) in {d}: {c}")
            if (d, norm(c)) in keys: errors.append(f"{rid}: clause both/twice listed: {c}")
            keys.add((d, norm(c)))
            if "amount_yuan" in it:
                if kind != "expected": errors.append(f"{rid}: amount on not_expected")
                if not isinstance(it["amount_yuan"], int) or it["amount_yuan"] < 0: errors.append(f"{rid}: bad amount")
                n_amt += 1
    n_exp += len(exp); n_not += len(nexp)
print(f"{len(rows)} profiles, {n_exp} expected, {n_not} not_expected, {n_amt} amounts, "
      f"{sum(1 for r in rows if not r['expected'])} with expected=[]")
for e in errors: print("ERROR", e)
sys.exit(1 if errors else 0)
