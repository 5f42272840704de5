#!/usr/bin/env python3
"""Validate blind.jsonl: fields, verbatim clauses (whitespace removed), unique ids."""
import json, re, sys, collections
BASE='/work/shared/corpus-extra/'
import os
HERE=os.path.dirname(os.path.abspath(__file__))+'/'
docs={}
part={}
for name in ('A','B'):
    for line in open(HERE+'docs-'+name+'.tsv',encoding='utf-8'):
        p=line.rstrip('\n').split('\t')
        if len(p)>=2 and p[0].endswith('.txt'): docs[p[0][:-4]]=p[1]; part[p[0][:-4]]=name
def ws(s): return re.sub(r'\s+','',s)
text={d:ws(open(BASE+d+'.txt',encoding='utf-8').read()) for d in docs}
CATS={'lookup','calc','multi','followup','expiry','unanswerable'}
errs=[]; ids=set(); cnt=collections.Counter(); used_docs=set(); regions=set()
for n,line in enumerate(open(HERE+'blind2.jsonl',encoding='utf-8'),1):
    try: q=json.loads(line)
    except Exception as e: errs.append(f'line {n}: bad json {e}'); continue
    i=q.get('id','')
    def E(m): errs.append(f'{i or n}: {m}')
    if not (i.startswith('b2a-') or i.startswith('b2b-')): E('id prefix b2a-/b2b-')
    if i in ids: E('duplicate id')
    ids.add(i)
    c=q.get('category'); cnt[c]+=1
    if c not in CATS: E('bad category')
    if ('question' in q)==('turns' in q): E('need exactly one of question/turns')
    if 'turns' in q:
        if not (isinstance(q['turns'],list) and 2<=len(q['turns'])<=3): E('turns must be 2-3')
    if c=='followup' and 'turns' not in q: E('followup needs turns')
    if not isinstance(q.get('answerable'),bool): E('answerable bool')
    allowed={'id','category','question','turns','answerable','expected_doc','expected_docs_all','expected_clause','expected_amount_yuan','must_mention'}
    extra=set(q)-allowed
    if extra: E(f'unknown fields {extra}')
    if q.get('answerable') is False:
        if any(k.startswith('expected_') for k in q): E('unanswerable must have no expected_*')
        if c!='unanswerable': E('answerable false but category != unanswerable')
        continue
    if c=='unanswerable': E('unanswerable category but answerable true')
    ed=q.get('expected_doc'); cl=q.get('expected_clause')
    if not (isinstance(ed,list) and ed): E('expected_doc list'); continue
    if not isinstance(cl,str): E('expected_clause'); continue
    L=len(ws(cl))
    lo=4 if c=='multi' else 8
    if not lo<=L<=30: E(f'clause length {L}')
    for d in ed:
        if d not in docs: E(f'doc {d} not in docs-A.tsv/docs-B.tsv'); continue
        if i.startswith('b2a-') and part[d]!='A': E(f'b2a- question uses part-B doc {d}')
        used_docs.add(d); regions.add(docs[d])
        if ws(cl) not in text[d]: E(f'clause not found in {d}: {cl}')
    if c=='multi':
        if q.get('expected_docs_all') is not True: E('multi needs expected_docs_all true')
        if len(ed)!=2 or len({docs.get(d) for d in ed})!=2: E('multi needs 2 docs of different regions')
    if c=='calc':
        a=q.get('expected_amount_yuan')
        if not isinstance(a,int) or isinstance(a,bool) or a<0: E('calc amount int')
    if c=='expiry' and q.get('must_mention')!=['失效']: E('expiry must_mention')
print('counts:',dict(cnt),'total',sum(cnt.values()))
print('docs used:',len(used_docs),'of',len(docs),'; region groups:',len(regions))
missing={d for d in docs if part[d]=='A'}-used_docs
if missing: print('unused docs:',sorted(missing))
if errs:
    print('ERRORS:'); [print(' ',e) for e in errs]; sys.exit(1)
print('OK')
