"""index.loaders on generated files of every supported type, in tmp dirs."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.errors import DocumentError
from index.ingest.documents import load_document
from index.ingest.loaders import read_text

TEXT = "泉州市人民政府关于发展服务型制造的实施意见\n一、总体要求\n对企业投资500万元以上的物流公共信息平台，按投资额的5%给予补助。\n"
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_text_encodings(tmp_path, encoding):
    path = tmp_path / "doc.txt"
    path.write_bytes(TEXT.encode(encoding))
    assert read_text(path) == TEXT


def test_gb18030_only_characters(tmp_path):
    text = TEXT + "𠀀㐀（GB18030 扩展字符）\n"  # not representable in GBK
    path = tmp_path / "doc.md"
    path.write_bytes(text.encode("gb18030"))
    assert read_text(path) == text


def test_short_gbk_file_is_not_mistaken_for_another_codec(tmp_path):
    path = tmp_path / "short.txt"
    path.write_bytes("补助50万元。".encode("gbk"))
    assert read_text(path) == "补助50万元。"


def test_html_blocks_become_lines_and_scripts_go(tmp_path):
    html = """<html><head><title>政策</title><style>p{color:red}</style><script>var x='脚本';</script></head>
    <body><div class="nav">首页 &gt; 政务公开</div><h1>嘉兴市推动两业融合实施方案</h1>
    <p>一、总体目标</p><p>对经认定的国家级示范企业给予<b>150万元</b>奖励。</p><br>附则<ul><li>自印发之日起施行。</li></ul></body></html>"""
    path = tmp_path / "page.html"
    path.write_bytes(html.encode("gbk").replace(b"<head>", b'<head><meta charset="gbk">'))
    text = read_text(path)
    assert "脚本" not in text and "color" not in text
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    assert "一、总体目标" in lines
    assert "对经认定的国家级示范企业给予150万元奖励。" in lines
    assert lines.index("一、总体目标") < lines.index("附则") < lines.index("自印发之日起施行。")
    doc = load_document(path, tmp_path)  # and the breadcrumb is cleaned away
    assert "政务公开" not in doc.text and "150万元" in doc.text


def test_docx_paragraphs_and_tables(tmp_path):
    import docx

    document = docx.Document()
    for line in TEXT.strip().splitlines():
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "国家级"
    table.rows[0].cells[1].text = "50万元"
    path = tmp_path / "doc.docx"
    document.save(path)
    text = read_text(path)
    assert text.startswith(TEXT.strip().splitlines()[0])
    assert "按投资额的5%给予补助。" in text and "国家级 50万元" in text


def _pdf(path: Path, lines: list[str], font: Path | None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    plt.rcParams["pdf.fonttype"] = 42  # embed TrueType with a ToUnicode map, so text is extractable
    props = font_manager.FontProperties(fname=str(font)) if font else None
    fig = plt.figure(figsize=(8.27, 11.69))
    for i, line in enumerate(lines):
        fig.text(0.08, 0.92 - i * 0.04, line, fontproperties=props)
    fig.savefig(path)
    plt.close(fig)


@pytest.mark.skipif(not CJK_FONT.exists(), reason="no CJK font to write a Chinese PDF with")
def test_pdf_with_chinese_text(tmp_path):
    lines = TEXT.strip().splitlines()
    path = tmp_path / "doc.pdf"
    _pdf(path, lines, CJK_FONT)
    text = read_text(path)
    assert [ln.strip() for ln in text.splitlines() if ln.strip()] == lines
    assert load_document(path, tmp_path).text.startswith(lines[0])


def test_pdf_without_chinese_reads_but_is_not_a_policy_document(tmp_path):
    path = tmp_path / "english.pdf"
    _pdf(path, ["Quarterly report", "Revenue grew 5 percent."], None)
    assert "Revenue grew 5 percent." in read_text(path)
    with pytest.raises(DocumentError, match="no recognisable Chinese text"):
        load_document(path, tmp_path)


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("empty.txt", b"", "empty"),
    ("spaces.txt", b" \n\t\n", "empty"),
    ("nul.txt", "正文".encode() + b"\x00\x01\x02" * 50, "binary"),
    ("controls.txt", bytes(range(1, 9)) * 200, "binary"),
    ("latin.txt", bytes([0xC0, 0xFF, 0xFE, 0xC1, 0x80, 0xF5]) * 200, "undecodable"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "docx"),
    ("broken.pdf", b"%PDF-1.4 garbage garbage", "PDF"),
    ("doc.xls", b"anything", "unsupported"),
    ("noext", "正文".encode(), "unsupported"),
])
def test_bad_files_raise_document_error_with_reason(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DocumentError) as err:
        read_text(path)
    assert reason in err.value.reason
    assert err.value.path == str(path) and name in err.value.zh


def test_markup_heavy_gbk_page(tmp_path):
    filler = "".join(f'<div class="nav-{i}"><a href="/path/{i}.html">link</a></div>' for i in range(300))
    html = f'<html><head><meta charset="gb2312"></head><body>{filler}<p>一、对企业给予50万元奖励。</p></body></html>'
    path = tmp_path / "page.htm"
    path.write_bytes(html.encode("gbk"))
    assert "一、对企业给予50万元奖励。" in read_text(path)


def test_markdown_markup_is_dropped(tmp_path):
    path = tmp_path / "policy.md"
    path.write_text("# 某市支持企业发展的若干措施\n\n## 一、总体要求\n\n> 对**国家级**示范企业给予[50万元](http://x.cn/a)奖励。\n", "utf-8")
    assert read_text(path) == "某市支持企业发展的若干措施\n\n一、总体要求\n\n对国家级示范企业给予50万元奖励。\n"


def test_html_metadata_table_is_read(tmp_path):
    html = """<html><body><table><tr><td>发布机构</td><td>嘉兴市人民政府</td><td>文号</td><td>嘉政发〔2024〕14号</td></tr>
    <tr><td>成文日期</td><td>2024-04-18</td></tr></table>
    <h2>嘉兴市推动两业融合发展实施方案</h2><p>各县（市、区）人民政府：</p><p>一、对示范企业给予50万元奖励。</p></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(html, "utf-8")
    assert "发布机构 嘉兴市人民政府 文号 嘉政发〔2024〕14号" in read_text(path)
    doc = load_document(path, tmp_path)
    assert (doc.issuer, doc.doc_number, doc.region) == ("嘉兴市人民政府", "嘉政发〔2024〕14号", "嘉兴")
    assert doc.title == "嘉兴市推动两业融合发展实施方案" and doc.dates["成文"] == "2024-04-18"


# -- guards: size limit, streamed binary detection, binary named as binary -------------
def test_a_file_over_the_size_limit_is_skipped_unread(tmp_path, monkeypatch):
    from index.ingest import loaders

    path = tmp_path / "huge.txt"
    path.write_bytes(TEXT.encode() * 200)  # ~40 KB
    monkeypatch.setenv("POLICY_MAX_FILE_MB", "0.01")
    opened = []
    real_open = Path.open
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: opened.append(self) or real_open(self, *a, **k))
    with pytest.raises(DocumentError) as err:
        read_text(path)
    assert "over the limit of 0.01 MB" in err.value.reason and "POLICY_MAX_FILE_MB" in err.value.reason
    assert "过大" in err.value.zh and path not in opened  # judged on its size alone
    monkeypatch.setenv("POLICY_MAX_FILE_MB", "1")
    assert read_text(path).startswith("泉州市")
    monkeypatch.setenv("POLICY_MAX_FILE_MB", "lots")
    from index.errors import ConfigError

    with pytest.raises(ConfigError):
        loaders.max_file_bytes()


def test_binary_noise_is_refused_after_one_block(tmp_path, monkeypatch):
    import os

    from index.ingest import loaders

    path = tmp_path / "noise.txt"
    path.write_bytes(os.urandom(8 * loaders.BLOCK))
    reads = []
    real_open = Path.open

    class Counting:
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def read(self, n=-1):
            data = self.f.read(n)
            reads.append(len(data))
            return data

    monkeypatch.setattr(Path, "open", lambda self, *a, **k: Counting(real_open(self, *a, **k)))
    with pytest.raises(DocumentError) as err:
        read_text(path)
    assert "binary" in err.value.reason and sum(reads) <= loaders.BLOCK


@pytest.mark.parametrize("name, head, kind", [
    ("scan.txt", b"\x89PNG\r\n\x1a\n" + b"IHDR" + b"\x01" * 40, "PNG image"),
    ("photo.md", b"\xff\xd8\xff\xe0" + b"JFIF" + b"\x7f" * 40, "JPEG image"),
    ("archive.html", b"PK\x03\x04" + b"\x14" * 40, "ZIP archive"),
    ("report.docx", b"\x89PNG\r\n\x1a\n" + b"\x02" * 40, "PNG image"),
    ("legacy.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x03" * 40, "old Office file"),
    ("policy.pdf", b"GIF89a" + b"\x04" * 40, "GIF image"),
])
def test_binary_files_are_named_as_binary(tmp_path, name, head, kind):
    path = tmp_path / name
    path.write_bytes(head * 20)
    with pytest.raises(DocumentError) as err:
        read_text(path)
    assert err.value.reason.startswith("binary file") and kind in err.value.reason
    assert "二进制" in err.value.zh
