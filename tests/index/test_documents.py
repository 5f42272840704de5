"""index.documents over the shipped corpus and over a tmp corpus with bad files."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pytest

from index.errors import DocumentError
from index.ingest.documents import corpus_files, load_corpus, load_document

DATA = Path(__file__).resolve().parents[1] / "data"
EXTRA = Path(__file__).resolve().parents[3] / "shared" / "corpus-extra"
EXPECTED = {k: v for k, v in json.loads((DATA / "documents_expected.json").read_text("utf-8")).items()
            if not k.startswith("_")}
FIELDS = ("title", "issuer", "doc_number", "region", "dates", "valid_from", "valid_until",
          "validity_note", "incomplete", "warnings")


def test_shipped_corpus_loads_every_document(documents):
    assert sorted(documents) == sorted(EXPECTED)


@pytest.mark.parametrize("doc_id", sorted(EXPECTED))
def test_metadata_per_document(documents, doc_id):
    doc, want = documents[doc_id], EXPECTED[doc_id]
    got = {f: getattr(doc, f) for f in FIELDS}
    assert got == {f: want[f] for f in FIELDS}
    assert doc.validity(dt.date(2026, 11, 21)) == want["validity_2026_11_21"]


def test_document_identity(documents, corpus_dir):
    doc = documents["quanzhou-2015-service-manufacturing"]
    path = corpus_dir / "quanzhou-2015-service-manufacturing.txt"
    assert doc.source_path == "quanzhou-2015-service-manufacturing.txt"
    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "text" not in doc.to_dict() and doc.to_dict(with_text=True)["text"] == doc.text


def test_jiaxing_expired_after_its_validity_and_weifang_already(documents):
    assert documents["jiaxing-2024-two-industries-integration"].validity(dt.date(2027, 1, 1)) == "已失效"
    assert documents["weifang-five-optimizations-manufacturing"].validity(dt.date(2025, 12, 31)) == "有效"


def test_corpus_files_skips_sidecars_readme_and_hidden(tmp_path):
    for name in ("b.txt", "a.txt", "a.meta.json", "README.md", ".hidden.txt", "MANIFEST.tsv"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "c.txt").write_text("x", encoding="utf-8")
    assert [p.name for p in corpus_files(tmp_path)] == ["a.txt", "b.txt"]


GOOD = "嘉兴市人民政府关于支持企业发展的通知\n\n一、总则\n\n对经认定的国家级示范企业给予50万元奖励。本通知自2024年1月1日起施行。\n"


def test_bad_files_reported_by_name_and_good_files_still_load(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "good-gbk.txt").write_bytes(GOOD.encode("gbk"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\n ", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "undecodable.txt").write_bytes(bytes([0xC0, 0xFF, 0xFE, 0xC1, 0x80, 0xF5]) * 200)
    (tmp_path / "no-chinese.txt").write_text("Just an English memo.\n" * 20, encoding="utf-8")
    (tmp_path / "only-noise.txt").write_text("首页 > 政务公开\n【打印本页】【关闭本页】\n全国咨询热线 15915898572\n", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    docs, bad = load_corpus(tmp_path)
    assert sorted(d.doc_id for d in docs) == ["good", "good-gbk"]
    reasons = dict(bad)
    assert sorted(reasons) == ["binary.txt", "blank.txt", "empty.txt", "image.png", "no-chinese.txt",
                               "only-noise.txt", "undecodable.txt"]
    assert "empty" in reasons["empty.txt"] and "empty" in reasons["blank.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "undecodable" in reasons["undecodable.txt"]
    assert "Chinese" in reasons["no-chinese.txt"] and "Chinese" in reasons["only-noise.txt"]
    assert "unsupported" in reasons["image.png"]
    assert docs[0].text == docs[1].text  # the GBK copy decodes to the same text


def test_load_document_raises_named_error_with_chinese_message(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(DocumentError) as err:
        load_document(path, tmp_path)
    assert err.value.path.endswith("empty.txt") and "empty.txt" in err.value.zh


def test_sidecar_fills_gaps_and_override_wins(tmp_path):
    (tmp_path / "x.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "x.meta.json").write_text(json.dumps(
        {"doc_number": "嘉政发〔2024〕1号", "issuer": "别的机构", "region": "嘉兴市区"}, ensure_ascii=False), "utf-8")
    doc = load_document(tmp_path / "x.txt", tmp_path)
    assert doc.doc_number == "嘉政发〔2024〕1号"  # the text has none: the sidecar fills it
    assert doc.issuer == "嘉兴市人民政府" and doc.region == "嘉兴"  # read from the text: the text wins
    assert "文号未注明" not in doc.warnings
    (tmp_path / "x.meta.json").write_text(json.dumps({"region": "嘉兴市区", "override": ["region"]}), "utf-8")
    assert load_document(tmp_path / "x.txt", tmp_path).region == "嘉兴市区"


def test_broken_sidecar_is_reported_not_ignored(tmp_path):
    (tmp_path / "x.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "x.meta.json").write_text("{not json", "utf-8")
    docs, bad = load_corpus(tmp_path)
    assert not docs and bad[0][0] == "x.txt" and "sidecar" in bad[0][1]


def test_extra_corpus_loads_without_bad_files(extra_documents):
    docs, bad = extra_documents
    assert not bad
    assert len(docs) == len(corpus_files(EXTRA)) >= 250
    assert all(d.title and d.text for d in docs)


def test_titles_are_written_in_the_documents_themselves(documents, corpus_dir, extra_documents):
    """A title shown in 《》 must be the document's own words (spaces aside), never assembled."""
    from index.ingest.loaders import read_text

    def squash(s: str) -> str:
        return re.sub(r"\s+", "", s)

    for root, docs in ((corpus_dir, documents.values()), (EXTRA, extra_documents[0])):
        for doc in docs:
            assert squash(doc.title) in squash(read_text(root / doc.source_path)), doc.doc_id


def test_extra_truncated_documents_are_flagged(extra_documents):
    # ../shared/corpus-extra/SOURCES.md names the five compendium texts that say they were shortened
    # ("（由于篇幅太长，省略部分内容…）", sometimes split by a PDF line wrap).
    docs, _ = extra_documents
    assert {d.doc_id for d in docs if d.incomplete} == {
        "yshj2023-anhui-11", "yshj2023-jiangsu-03", "yshj2023-henan-07", "yshj2023-fujian-14", "yshj2023-chongqing-01"}
    assert all("原文不完整" in d.warnings and "篇幅" not in d.text for d in docs if d.incomplete)
