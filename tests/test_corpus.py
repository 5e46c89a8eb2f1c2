"""Corpus reading: encodings, formats, folder walking, and every file getting a status."""

from __future__ import annotations

import os
import random
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy_miner.corpus import ReadError, SourceFile, iter_corpus, read_file
from policy_miner.corpus.decode import decode_bytes

from .bad_corpus import pdf

POLICY = (
    "关于进一步加强高层次人才引进培育工作的若干措施\n"
    "\r\n"
    "为深入实施人才强市战略，加快建设区域人才高地，结合我市实际，制定本措施。\r\n"
    "一、对新引进的全职国家级领军人才，给予最高200万元安家补贴，分五年发放。\n"
    "二、对新引进的博士研究生，给予每人每月3000元生活补贴，补贴期限不超过三年；"
    "硕士研究生每人每月1500元。\n"
    "三、到2025年，全市新增各类人才10万人以上，其中高技能人才不少于2万人。\n"
    "四、企业引进急需紧缺人才的，按其上年度缴纳个人所得税地方留成部分的50%给予奖励。\n"
    "五、本措施自印发之日起施行，有效期至2025年12月31日，由市人才工作领导小组办公室负责解释。\n"
)
assert len(POLICY) > 200


def _one(path: Path) -> SourceFile:
    (source,) = list(iter_corpus([path]))
    return source


def _by_id(root: Path) -> dict[str, SourceFile]:
    return {s.doc_id: s for s in iter_corpus([root])}


# --- decoding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (POLICY.encode("utf-8"), "utf_8"),
        (b"\xef\xbb\xbf" + POLICY.encode("utf-8"), "utf_8"),
        (POLICY.encode("gbk"), "gb18030"),
        (POLICY.encode("gb2312"), "gb18030"),
        (POLICY.encode("utf-16"), "utf_16"),
        (b"\xff\xfe" + POLICY.encode("utf-16-le"), "utf_16"),
        (POLICY.encode("utf-32"), "utf_32"),
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb2312", "utf16", "utf16le-bom", "utf32"],
)
def test_decode_is_exact(data: bytes, encoding: str) -> None:
    text, found = decode_bytes(data)
    assert found == encoding
    assert text == POLICY  # BOM gone, \r\n and everything else untouched


def test_gb18030_only_characters() -> None:
    # 㐀 (U+3400) and 𠀀 (U+20000) need GB18030's four-byte sequences; GBK cannot hold them.
    text = POLICY + "附：涉及㐀字与𠀀字的人名以身份证件为准。\n"
    assert decode_bytes(text.encode("gb18030")) == (text, "gb18030")


@pytest.mark.parametrize("start", range(0, 180, 15))
def test_gbk_detected_from_25_characters(start: int) -> None:
    # The documented reliability floor: 25 characters of policy prose.
    snippet = POLICY.replace("\n", "").replace("\r", "")[start : start + 25]
    assert decode_bytes(snippet.encode("gbk")) == (snippet, "gb18030")


def test_digit_heavy_gbk() -> None:
    # charset-normalizer alone finds no encoding at all for this.
    text = (
        "全市社会工作人才0.054万人，分别增长5%、16.7%、20.5%、45.9%、4.5%、45.9%。"
        "2.人才结构不断优化。全市现有高层次人才6195人，其中，国内外顶尖人才1人。"
    )
    assert decode_bytes(text.encode("gbk")) == (text, "gb18030")


def test_big5_is_not_forced_to_gb18030() -> None:
    text = "關於進一步加強高層次人才引進培育工作的若干措施。為深入實施人才強市戰略，加快建設區域人才高地。"
    assert decode_bytes(text.encode("big5")) == (text, "big5")


def test_utf16_without_bom() -> None:
    text = POLICY.replace("\r", "")
    assert decode_bytes(text.encode("utf-16-le")) == (text, "utf_16_le")


@pytest.mark.parametrize("data", [b"", b"   \r\n\t ", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n", "\u3000\n".encode()])
def test_empty_is_skipped(data: bytes) -> None:
    with pytest.raises(ReadError) as info:
        decode_bytes(data)
    assert (info.value.status, info.value.reason) == ("skipped", "empty file")


def test_random_bytes_are_binary() -> None:
    data = random.Random(7).randbytes(4096)
    with pytest.raises(ReadError) as info:
        decode_bytes(data)
    assert info.value.status == "failed"
    assert "binary" in info.value.reason


def test_nul_free_random_bytes_are_undecodable() -> None:
    data = bytes(b for b in random.Random(3).randbytes(4096) if b)
    with pytest.raises(ReadError) as info:
        decode_bytes(data)
    assert "binary" in info.value.reason


# --- files and folders ---------------------------------------------------------------------


def test_text_files_in_every_encoding(tmp_path: Path) -> None:
    (tmp_path / "utf8.txt").write_bytes(POLICY.encode("utf-8"))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + POLICY.encode("utf-8"))
    (tmp_path / "gbk.txt").write_bytes(POLICY.encode("gbk"))
    (tmp_path / "gb18030.md").write_bytes(POLICY.encode("gb18030"))
    (tmp_path / "utf16.txt").write_bytes(b"\xff\xfe" + POLICY.encode("utf-16-le"))
    found = _by_id(tmp_path)
    assert {k: (s.status, s.encoding, s.format) for k, s in found.items()} == {
        "utf8": ("processed", "utf_8", "text"),
        "bom": ("processed", "utf_8", "text"),
        "gbk": ("processed", "gb18030", "text"),
        "gb18030": ("processed", "gb18030", "markdown"),
        "utf16": ("processed", "utf_16", "text"),
    }
    assert all(s.text == POLICY and s.reason is None for s in found.values())


def test_doc_ids_nested_sorted_and_hidden_reported_unread(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text(POLICY, encoding="utf-8")
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "sub" / "a.txt").write_text(POLICY, encoding="utf-8")
    (tmp_path / "sub" / "deeper" / "c.v2.txt").write_text(POLICY, encoding="utf-8")
    (tmp_path / "人才 政策 2023.txt").write_text(POLICY, encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(POLICY, encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text(POLICY, encoding="utf-8")
    every = list(iter_corpus([tmp_path]))
    hidden = {s.doc_id: (s.status, s.reason) for s in every if s.doc_id.startswith(".")}
    assert hidden == {".git": ("skipped", "hidden folder (name starts with '.')"),
                      ".hidden.txt": ("skipped", "hidden file (name starts with '.')")}
    sources = [s for s in every if not s.doc_id.startswith(".")]
    assert [s.doc_id for s in sources] == ["b", "sub/a", "sub/deeper/c.v2", "人才 政策 2023"]
    assert sources[3].path == str(tmp_path / "人才 政策 2023.txt")
    assert all(s.status == "processed" for s in sources)
    assert every == list(iter_corpus([tmp_path]))  # deterministic


def test_single_file_id_is_stem(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "关于 人才.txt"
    path.write_text(POLICY, encoding="utf-8")
    source = _one(path)
    assert (source.doc_id, source.status, source.text) == ("关于 人才", "processed", POLICY)
    assert _one(Path(str(path))) == source


def test_missing_path_fails(tmp_path: Path) -> None:
    source = _one(tmp_path / "nope.txt")
    assert (source.doc_id, source.status, source.reason) == ("nope", "failed", "no such file or folder")


def test_statuses(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_bytes(b"\xef\xbb\xbf  \n\n")
    (tmp_path / "noise.txt").write_bytes(random.Random(1).randbytes(2048))
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (tmp_path / "table.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    (tmp_path / "README").write_text(POLICY, encoding="utf-8")
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip file")
    (tmp_path / "nothing.pdf").write_bytes(b"")
    found = {Path(s.path).name: s for s in iter_corpus([tmp_path])}
    status = {k: (s.status, s.reason) for k, s in found.items()}
    assert status["empty.txt"] == ("skipped", "empty file")
    assert status["blank.md"] == ("skipped", "empty file")
    assert status["nothing.pdf"] == ("skipped", "empty file")
    assert status["table.xls"] == ("skipped", "unsupported format .xls")
    assert status["README"] == ("skipped", "unsupported format (no extension)")
    for binary in ("noise.txt", "image.txt"):
        assert found[binary].status == "failed"
        assert "binary" in found[binary].reason
    assert found["broken.docx"].status == "failed"
    assert found["broken.docx"].reason.startswith("corrupt docx (")
    assert all(s.text is None and s.encoding is None for s in found.values())


def test_corrupt_pdf_fails(tmp_path: Path) -> None:
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage without objects or xref")
    source = _one(tmp_path / "broken.pdf")
    assert source.status == "failed"
    assert source.reason.startswith(("corrupt pdf (", "pdf has no text layer"))


def test_duplicate_doc_id(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(POLICY, encoding="utf-8")
    (tmp_path / "a.txt").write_text(POLICY, encoding="utf-8")
    (tmp_path / "a.xls").write_bytes(b"x")  # unsupported: does not claim the id
    sources = list(iter_corpus([tmp_path]))
    assert [(s.path, s.status) for s in sources] == [
        (str(tmp_path / "a.md"), "processed"),
        (str(tmp_path / "a.txt"), "failed"),
        (str(tmp_path / "a.xls"), "skipped"),
    ]
    assert sources[1].reason.startswith("duplicate document id")


def test_gold_folder_jsonl_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "doc.txt").write_text(POLICY, encoding="utf-8")
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "doc.jsonl").write_text('{"doc": "doc"}\n', encoding="utf-8")
    found = _by_id(tmp_path)
    assert found["doc"].status == "processed"
    assert (found["gold/doc"].status, found["gold/doc"].reason) == ("skipped", "unsupported format .jsonl")


def test_symlink_loop_is_walked_once(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text(POLICY, encoding="utf-8")
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    found = _by_id(tmp_path)
    assert sorted(found) == ["dangling", "sub/a"]
    assert (found["dangling"].status, found["dangling"].reason) == ("failed", "broken symbolic link")


def test_unreadable_file_and_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulated: chmod does not stop root, and tests may run as root.
    (tmp_path / "locked.txt").write_text(POLICY, encoding="utf-8")
    (tmp_path / "shut").mkdir()
    (tmp_path / "shut" / "x.txt").write_text(POLICY, encoding="utf-8")
    (tmp_path / "ok.txt").write_text(POLICY, encoding="utf-8")
    os_open, scandir = os.open, os.scandir

    def deny_read(path: str | Path, flags: int, *args: object, **kwargs: object) -> int:
        if Path(path).name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return os_open(path, flags, *args, **kwargs)

    def deny_list(path: Path) -> object:
        if Path(path).name == "shut":
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "open", deny_read)
    monkeypatch.setattr(os, "scandir", deny_list)
    found = _by_id(tmp_path)
    assert (found["locked"].status, found["locked"].reason) == ("failed", "permission denied")
    assert (found["shut"].status, found["shut"].reason) == ("failed", "cannot list folder (Permission denied)")
    assert found["ok"].status == "processed"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".txt", ".html", ".docx", ".pdf", ".md"]))
def test_never_raises(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"any{suffix}"
    path.write_bytes(data)
    source = _one(path)
    assert source.status in ("processed", "skipped", "failed")
    assert (source.status == "processed") == (source.text is not None)
    assert source.text != ""


# --- HTML ----------------------------------------------------------------------------------

HTML = """<!DOCTYPE html>
<html><head><title>页面标题不应出现</title>
<style>p { color: red; } /* 样式不应出现 */</style>
<script>var 脚本 = "不应出现";</script></head>
<body>
<!-- 注释不应出现 -->
<noscript>请启用脚本</noscript><template><p>模板不应出现</p></template>
<h1>关于支持人才创新创业的若干措施</h1>
<div>对新引进的博士研究生，给予每人每月<b>3000元</b>生活补贴。</div>
<p>第一行<br>第二行&nbsp;内容</p>



<p>到2025年，全市新增各类人才10万人以上。</p>
<table>
  <tr><th>项目</th><th>标准</th></tr>
  <tr><td>安家补贴</td><td>最高
      200万元</td></tr>
  <tr><td><p>生活补贴</p></td><td></td></tr>
</table>
<ul><li>条目一</li><li>条目二</li></ul>
<script>document.write("不应出现")</script>
</body></html>
"""

HTML_TEXT = (
    "关于支持人才创新创业的若干措施\n"
    "对新引进的博士研究生，给予每人每月3000元生活补贴。\n"
    "第一行\n"
    "第二行 内容\n"
    "到2025年，全市新增各类人才10万人以上。\n"
    "项目\t标准\n"
    "安家补贴\t最高 200万元\n"
    "生活补贴\t\n"
    "条目一\n"
    "条目二"
)


def test_html_visible_text(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(HTML, encoding="utf-8")
    text, encoding, fmt = read_file(tmp_path / "page.html")
    assert (encoding, fmt) == ("utf_8", "html")
    assert text == HTML_TEXT
    assert "不应出现" not in text and "请启用脚本" not in text


def test_html_blank_line_runs_collapse(tmp_path: Path) -> None:
    page = "<div>甲</div><p></p><p>  </p><br><br><br><br><div>乙</div>"
    (tmp_path / "p.htm").write_text(page, encoding="utf-8")
    text, _, _ = read_file(tmp_path / "p.htm")
    assert "\n\n\n" not in text
    assert text.startswith("甲\n") and text.endswith("\n乙")


def test_html_declared_gb2312(tmp_path: Path) -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "</head><body><p>人才补贴</p></body></html>"
    )
    (tmp_path / "gb.html").write_bytes(page.encode("gb2312"))
    assert read_file(tmp_path / "gb.html") == ("人才补贴", "gb18030", "html")


def test_html_without_visible_text_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "x.html").write_text("<html><head><title>标题</title></head><body> </body></html>")
    source = _one(tmp_path / "x.html")
    assert (source.status, source.reason) == ("skipped", "html has no text")


# --- .docx and .pdf ------------------------------------------------------------------------


def test_docx_paragraphs_and_table(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("关于支持人才创新创业的若干措施")
    document.add_paragraph("对新引进的博士研究生，给予每人每月3000元生活补贴。")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([["项目", "标准", "备注"], ["安家补贴", "最高200万元", "分五年"], ["合计", "", ""]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(2, 1).merge(table.cell(2, 2)).text = "另行规定"
    document.add_paragraph("本措施自印发之日起施行。")
    document.save(tmp_path / "措施 2023.docx")
    source = _one(tmp_path / "措施 2023.docx")
    assert (source.doc_id, source.status, source.format, source.encoding) == (
        "措施 2023", "processed", "docx", None,
    )
    assert source.text == (
        "关于支持人才创新创业的若干措施\n"
        "对新引进的博士研究生，给予每人每月3000元生活补贴。\n"
        "项目\t标准\t备注\n"
        "安家补贴\t最高200万元\t分五年\n"
        "合计\t另行规定\n"
        "本措施自印发之日起施行。"
    )


def test_docx_zip_without_document_fails(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "x.docx", "w") as archive:
        archive.writestr("hello.txt", "不是文档")
    source = _one(tmp_path / "x.docx")
    assert source.status == "failed"
    assert source.reason.startswith("corrupt docx (")


def _pdf(content: bytes | None) -> bytes:
    """A minimal one-page PDF; ``content`` is its page content stream, None for no text."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    resources = b"/Resources << /Font << /F1 4 0 R >> >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] " + resources
        + (b" /Contents 5 0 R" if content is not None else b"") + b" >>",
        font,
    ]
    if content is not None:
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    return pdf(objects)


def test_pdf_text_layer(tmp_path: Path) -> None:
    stream = b"BT /F1 12 Tf 72 720 Td (Subsidy 3000 yuan per month) Tj ET"
    (tmp_path / "p.pdf").write_bytes(_pdf(stream))
    text, encoding, fmt = read_file(tmp_path / "p.pdf")
    assert (encoding, fmt) == (None, "pdf")
    assert "Subsidy 3000 yuan per month" in text


def test_pdf_without_text_layer_fails(tmp_path: Path) -> None:
    (tmp_path / "scan.pdf").write_bytes(_pdf(None))
    source = _one(tmp_path / "scan.pdf")
    assert (source.status, source.reason) == ("failed", "pdf has no text layer")
