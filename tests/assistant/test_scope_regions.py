"""Region specificity: a region's own name, the place a mention *is*, place words.

The questions here are written for these tests (not taken from eval/questions)."""
from __future__ import annotations

from types import SimpleNamespace

from index.records import Document
from assistant.lexicon.places import Coverage, is_place, region_core


def _kb(*regions):
    docs = {f"d{i}": Document(doc_id=f"d{i}", source_path="x", sha256="", title=f"文件{i}", text="", region=r)
            for i, r in enumerate(regions)}
    return SimpleNamespace(documents=docs)


def test_region_core_drops_province_and_level_but_keeps_a_zone():
    assert region_core("泉州市") == region_core("福建省泉州市") == region_core("泉州") == "泉州"
    assert region_core("广西壮族自治区") == "广西" and region_core("上海市") == "上海"
    assert region_core("四川省广安市") == "广安"
    assert region_core("泉州经济技术开发区") == "泉州经济技术开发区"  # a zone is not its city
    assert region_core("浦东新区") == "浦东新区"


def test_primary_regions_are_the_place_named_not_an_area_inside_it():
    cov = Coverage.from_kb(_kb("泉州", "泉州经济技术开发区", "嘉兴"))
    both = cov.resolve("泉州")
    assert both == {"泉州", "泉州经济技术开发区"}
    assert cov.primary("泉州") == cov.primary("泉州市", both) == {"泉州"}
    assert cov.primary("开发区") == {"泉州经济技术开发区"}
    assert cov.primary("嘉兴") == {"嘉兴"}
    # a corpus holding only the zone: "泉州" reaches the zone, nothing to prefer
    only_zone = Coverage.from_kb(_kb("泉州经济技术开发区"))
    assert only_zone.primary("泉州") == {"泉州经济技术开发区"}


def test_provincial_and_city_regions_as_documents_state_them():
    cov = Coverage.from_kb(_kb("四川省广安市", "福建"))
    assert cov.primary("广安") == {"四川省广安市"} and cov.primary("广安市") == {"四川省广安市"}
    assert cov.primary("福建") == {"福建"}


def test_place_words():
    cov = Coverage.from_kb(_kb("泉州经济技术开发区"))
    for word in ("泉州", "泉州市", "广东省", "嘉兴", "泉州经济技术开发区"):
        assert is_place(word, cov), word
    for word in ("服务型", "泉州购", "市场", "开发", "工业区"):
        assert not is_place(word, cov), word


def test_a_big_corpus_is_listed_by_region_not_title_by_title():
    import datetime as dt

    from assistant.answer.scope import LISTING_MAX, corpus_listing

    big = _kb(*(["广安"] * 9 + ["上海"] * 5 + ["泉州", ""]))
    assert len(big.documents) > LISTING_MAX
    text = corpus_listing(big, dt.date(2026, 11, 21))
    assert text.count("\n") == 0 and "共16份文件" in text
    assert text.index("广安（9份）") < text.index("上海（5份）") < text.index("泉州（1份）")
    assert "地区未注明（1份）" in text
    small = corpus_listing(_kb("泉州", "嘉兴"), dt.date(2026, 11, 21))
    assert small.count("\n") == 1 and "《文件0》" in small  # a small corpus: every title
