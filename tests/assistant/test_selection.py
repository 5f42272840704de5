"""selection.final_ranking: Answer.retrieved reports the pipeline's final order."""
from __future__ import annotations

from index.records import Clause, ScoredClause
from assistant.answer.select import final_ranking


def _sc(cid: str, score: float, rank: int) -> ScoredClause:
    c = Clause(clause_id=cid, doc_id=cid.split("/")[0], path=(), display_path="", text=cid, start=0, end=len(cid))
    return ScoredClause(c, score, rank=rank)


def test_cited_clauses_lead_in_citation_order_and_the_rest_keep_retrieval_order():
    retrieved = [_sc("a/1", 0.9, 1), _sc("a/2", 0.8, 2), _sc("b/1", 0.7, 3), _sc("b/2", 0.6, 4)]
    out = final_ranking(retrieved, ["b/1", "a/2", "b/1"])
    assert [s.clause.clause_id for s in out] == ["b/1", "a/2", "a/1", "b/2"]
    assert [s.rank for s in out] == [1, 2, 3, 4]
    assert [s.score for s in out] == [0.7, 0.8, 0.9, 0.6]  # fused scores are kept as evidence
    assert [s.rank for s in retrieved] == [1, 2, 3, 4]  # the retrieval's objects are untouched


def test_nothing_cited_or_cited_outside_the_retrieval_keeps_the_retrieval():
    retrieved = [_sc("a/1", 0.9, 1), _sc("b/1", 0.7, 2)]
    for cited in ([], ["zz/9"]):
        assert [s.clause.clause_id for s in final_ranking(retrieved, cited)] == ["a/1", "b/1"]
    assert final_ranking([], ["a/1"]) == []


def test_an_answer_ranks_the_clause_it_cites_first(policy_assistant):
    # the answer layer may re-rank the retrieval; hit@k must read the order it answered with
    answer = policy_assistant.ask("嘉兴的企业被认定为省级服务型制造示范企业奖励多少")
    assert not answer.refused and answer.citations
    assert answer.retrieved[0].clause.clause_id == answer.citations[0].clause_id
    assert [s.rank for s in answer.retrieved] == list(range(1, len(answer.retrieved) + 1))
    assert len({s.clause.clause_id for s in answer.retrieved}) == len(answer.retrieved)


def test_each_cited_document_s_first_clause_leads_its_second_clauses():
    # a two-document answer citing a's main clause, a's document-wide rule, then b's clause
    retrieved = [_sc("a/1", 0.9, 1), _sc("b/1", 0.8, 2), _sc("a/end", 0.5, 3), _sc("c/1", 0.4, 4)]
    out = final_ranking(retrieved, ["a/1", "a/end", "b/1"])
    assert [s.clause.clause_id for s in out] == ["a/1", "b/1", "a/end", "c/1"]
    # one document: citation order unchanged
    out = final_ranking(retrieved, ["a/end", "a/1"])
    assert [s.clause.clause_id for s in out][:2] == ["a/end", "a/1"]


def test_a_name_in_one_piece_beats_its_words_apart():
    from assistant.answer.fit import compounds as _compounds
    from assistant.answer.select import rerank

    def clause(cid, text):
        return ScoredClause(Clause(clause_id=cid, doc_id="d", path=(), display_path="", text=text,
                                   start=0, end=len(text)), 0.5)

    apart = clause("d/1", "对国家级设计中心、工业设计领域突出的机构来泉创办分支机构的，给予补助。")
    whole = clause("d/2", "对新认定的工业设计中心，分别给予奖励。")
    q = "省级的工业设计中心，能奖多少钱？"
    assert _compounds(q, ["工业", "设计", "中心", "能奖"]) == ["工业设计中心"]
    assert rerank(q, [apart, whole])[0].clause.clause_id == "d/2"


def test_a_year_names_a_document_only_when_the_question_points_at_a_document():
    from types import SimpleNamespace

    from index.records import Document
    from assistant.lexicon.places import named_documents

    doc = Document(doc_id="x-2021", source_path="x.txt", sha256="", title="某市工业投资项目管理办法",
                   text="", region="某市", dates={"印发": "2021-03-01"})
    kb = SimpleNamespace(documents={doc.doc_id: doc})
    # "2021年那份投资管理办法": the year and a title word name the document
    assert named_documents(kb, "2021年那份投资办法怎么规定的？", None, ["投资"]) == {"x-2021"}
    # "2021年我们新增投资800万": the year of the asker's own story names no document
    assert named_documents(kb, "2021年我们新增投资800万，能奖励多少？", None, ["投资"]) == set()


def test_a_clause_stating_the_asked_share_leads_one_on_the_same_subject_that_does_not():
    from assistant.answer.select import choose

    def clause(cid, text, rank):
        c = Clause(clause_id=cid, doc_id="d", path=(), display_path="", text=text, start=0, end=len(text))
        return ScoredClause(c, 1.0 / rank, rank=rank)

    q = "工程押金按合同金额最高收几成？"
    vague = clause("d/1", "工程押金应当在合同中约定收取方式和合同金额，按期退还押金。", 1)
    stating = clause("d/2", "工程押金不超过合同金额的2%。", 2)
    other = clause("d/3", "对风险补偿按余额的1%给予补助。", 3)
    assert choose(q, [vague, stating, other])[0][1].clause.clause_id == "d/2"
    # a share of something else does not lead: it is not about the deposit asked
    assert choose(q, [vague, other])[0][1].clause.clause_id == "d/1"


def test_a_clause_stating_the_sum_of_the_benefit_asked_leads_one_that_leaves_it_elsewhere():
    from assistant.answer.select import choose

    def clause(cid, text, rank):
        c = Clause(clause_id=cid, doc_id=cid.split("/")[0], path=(), display_path="", text=text,
                   start=0, end=len(text))
        return ScoredClause(c, 1.0 / rank, rank=rank)

    q = "我们园区的保洁员干了三年，保洁津贴每个月有多少？"
    # the best fit names the benefit but leaves its standard to another document; it states a
    # sum only for another benefit in another sentence
    defers = clause("a/1", "加强保洁队伍建设，给予保洁员保洁津贴，具体标准按照园区管委会另行发布的文件执行。"
                           "保洁员干满五年的，一次性奖励1万元。", 1)
    states = clause("b/1", "保洁员在同一园区工作1年以上的，每月发放保洁津贴80元。", 2)
    assert choose(q, [defers, states])[0][1].clause.clause_id == "b/1"
    # without the deferral another document's clause does not take the lead
    plain = clause("a/1", "加强园区保洁队伍建设，给予保洁员保洁津贴，保洁员干满三年的，一次性奖励1万元。", 1)
    assert choose(q, [plain, states])[0][1].clause.clause_id == "a/1"


def test_a_count_of_measures_and_a_title_word_name_one_document():
    from types import SimpleNamespace

    from index.records import Document
    from assistant.lexicon.places import named_documents

    def doc(doc_id, title):
        return Document(doc_id=doc_id, source_path=f"{doc_id}.txt", sha256="", title=title, text="", region="某市")

    kb = SimpleNamespace(documents={d.doc_id: d for d in (
        doc("a", "某市促进外贸发展十五条措施"), doc("b", "某市科技创新十五条"), doc("c", "某市外贸企业融资担保办法"))})
    # '按外贸十五条…': the count and another word of the question in one title
    assert named_documents(kb, "按外贸十五条，出口信保能补多少？", {"某市"}, ["外贸", "十五条", "出口"]) == {"a"}
    # the count alone is in two titles; a word alone in two titles: no one document is named
    assert named_documents(kb, "十五条里的企业能补多少？", {"某市"}, ["十五条", "企业"]) == set()
    assert named_documents(kb, "外贸企业能补多少？", {"某市"}, ["外贸", "企业"]) == set()


def test_a_district_written_after_the_region_names_the_documents_it_issued():
    from types import SimpleNamespace

    from index.records import Document
    from assistant.lexicon.places import named_documents

    def doc(doc_id, title, issuer):
        return Document(doc_id=doc_id, source_path=f"{doc_id}.txt", sha256="", title=title, text="",
                        region="某城", issuer=issuer)

    kb = SimpleNamespace(documents={d.doc_id: d for d in (
        doc("city", "某城市稳增长行动方案", "某城市人民政府"),
        doc("east", "东湖区优化营商环境行动方案", "某城市东湖区发改委"),
        doc("west", "西山县促进消费若干措施", "西山县人民政府"))})
    # filed under the city, its title says which district issued it
    assert named_documents(kb, "某城东湖的担保费率能降到多少？", {"某城"}, ["东湖", "担保费率"]) == {"east"}
    assert named_documents(kb, "某城西山有什么消费补贴？", {"某城"}, ["西山", "消费"]) == {"west"}
    # words after the region that no title gives as a district name no document
    assert named_documents(kb, "某城担保费率能降到多少？", {"某城"}, ["担保费率"]) == set()
