"""A place whose own documents do not speak to a question: a province's question reaches its
cities' documents, a city's question the province's documents that name the city — said so
in the answer. Invented documents; the questions are written for these tests."""
from __future__ import annotations

from types import SimpleNamespace

from index.records import Document
from assistant.lexicon.places import Coverage

PROVINCE = """福建省人民政府办公厅关于促进文旅消费的若干措施

各设区市人民政府：
一、丰富节庆活动。鼓励各地举办音乐节、灯光秀等夜间文旅活动，延长景区开放时间。
二、提升服务质量。推动旅游厕所、停车场等公共设施提档升级，完善游客投诉处理机制。
"""
OWN_CITY = """莆田市人民政府关于加快农业现代化的实施意见

各县（区）人民政府：
一、推进高标准农田建设。新建高标准农田按规划组织实施，统筹整合涉农资金。
二、发展特色种植。支持枇杷、龙眼等特色水果品种改良和品牌培育。
"""
OTHER_CITY = """福州市人民政府关于支持冷链物流发展的若干措施

各县（市、区）人民政府：
一、冷库建设补助。对在福州、莆田、宁德新建库容5000立方米以上冷库的企业，按设备投资额的10%给予补助，最高200万元。
二、冷藏车购置奖励。企业新购置冷藏车的，每辆奖励2万元。
"""


def _kb(*pairs):
    docs = {f"d{i}": Document(doc_id=f"d{i}", source_path="x", sha256="", title="文件", text=text, region=r)
            for i, (r, text) in enumerate(pairs)}
    return SimpleNamespace(documents=docs)


def test_places_inside_a_province_and_documents_naming_a_city():
    cov = Coverage.from_kb(_kb(("福建", PROVINCE), ("莆田", OWN_CITY), ("福州", OTHER_CITY), ("嘉兴", "嘉兴")))
    assert cov.places_inside("福建") == {"莆田", "福州"}  # not 嘉兴 (another province)
    assert cov.places_inside("莆田") == set()  # a city has no places inside it here
    assert cov.naming_elsewhere("莆田") == {"福州"}  # 福州's text names 莆田; 莆田's own is left out
    assert cov.naming_elsewhere("福州") == set()  # no other document names 福州
    assert cov.naming_elsewhere("福建") == set()  # a province is widened downwards, not sideways


def test_a_question_the_place_s_own_documents_do_not_answer(kb, settings, tmp_path):
    from index.ingest.pipeline import build_index
    from index.store.knowledge import KnowledgeBase
    from assistant.chat.assistant import Assistant

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in (("prov.txt", PROVINCE), ("own.txt", OWN_CITY), ("other.txt", OTHER_CITY)):
        (corpus / name).write_text(text, encoding="utf-8")
    s = settings.with_(data_dir=tmp_path / "data", corpus_dir=corpus)
    assert build_index(s, progress=False, embedder=kb.embedder).ok
    live = KnowledgeBase.open(s, embedder=kb.embedder)
    regions = {d.region for d in live.documents.values()}
    assert {"福建", "莆田", "福州"} <= regions, regions
    assistant = Assistant(live, s)

    # a city: the document of another place in its province that names it answers, and says so
    city = assistant.ask("莆田新建冷库有补助吗？")
    assert not city.refused, city.answer
    assert city.citations and live.documents[city.citations[0].doc_id].region == "福州"
    assert "莆田本地的文件中没有直接规定" in city.answer

    # a province: its cities' documents answer when its own do not
    province = assistant.ask("福建买冷藏车有奖励吗？")
    assert not province.refused, province.answer
    assert live.documents[province.citations[0].doc_id].region == "福州"
    assert "福建省级文件中没有直接规定" in province.answer

    # what the place's own documents answer stays theirs, with no note
    own = assistant.ask("莆田种枇杷有什么支持？")
    assert not own.refused and live.documents[own.citations[0].doc_id].region == "莆田"
    assert "没有直接规定" not in own.answer

