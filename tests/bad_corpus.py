"""A corpus of bad inputs, generated on demand: every way a scraped file can go wrong.

``make_bad_corpus(root)`` writes it under ``root`` (about 90 MB of apparent size but only
~22 MB on disk: the "too large" file is sparse) in well under a second, and returns what
``iter_corpus([root])`` must make of each file: ``{doc_id: (status, reason substring)}``,
the substring None for processed files; hidden names (``HIDDEN``) are skipped unread.
Warnings expected on processed files are in ``EXPECTED_WARNINGS``; text that must never
reach a document is in ``HTML_HIDDEN_MARKERS``.

Used by tests/test_bad_inputs.py, and meant for the run engine's tests too (workers must
give the same statuses).
"""

from __future__ import annotations

import io
import os
import random
import struct
import zipfile
import zlib
from pathlib import Path

import docx

POLICY = (
    "关于进一步加强高层次人才引进培育工作的若干措施\n"
    "为深入实施人才强市战略，加快建设区域人才高地，结合我市实际，制定本措施。\n"
    "一、对新引进的全职国家级领军人才，给予最高200万元安家补贴，分五年发放。\n"
    "二、对新引进的博士研究生，给予每人每月3000元生活补贴，补贴期限不超过三年。\n"
    "三、到2025年，全市新增各类人才10万人以上，其中高技能人才不少于2万人。\n"
)

MIB = 1 << 20
BOMB_UNPACKED = 768 * MIB  # honest deflate stream: ~800 KB on disk, "unpacks to 768.8 MB"
LIAR_DECLARED = 1000  # the lying member declares this many bytes ...
LIAR_ACTUAL = 64 * MIB  # ... and inflates to this many
PDF_BOMB_UNPACKED = 100 * MIB  # above pypdf's 75 MB FlateDecode limit

# Visible only in places that must never become document text.
HTML_HIDDEN_MARKERS = (
    "脚本内容", "样式内容", "注释内容", "无脚本内容", "模板内容", "点击处理", "加载处理",
    "错误处理", "标题内容", "模块脚本", "矢量脚本",
)
HTML_PAGE = """<!DOCTYPE html>
<html><head><title>标题内容</title>
<style>p::before { content: "样式内容"; }</style>
<script>var s = "脚本内容"; document.write(s);</script>
</head>
<body onload="alert('加载处理')">
<!-- 注释内容 -->
<noscript><p>无脚本内容</p></noscript>
<template><p>模板内容</p></template>
<h1 onclick="alert('点击处理')">关于支持人才创新创业的若干措施</h1>
<p>对新引进的博士研究生，给予每人每月<b onmouseover="x('点击处理')">3000元</b>生活补贴。</p>
<img src="x.png" onerror="alert('错误处理')" alt="图">
<script type="module">import { a } from "./模块脚本.js";</script>
<svg><script>alert("矢量脚本")</script><text>矢量图文字</text></svg>
<p>到2025年，全市新增各类人才10万人以上。</p>
<style>.x { color: red } /* 样式内容 */</style>
</body></html>
"""

# "Billion laughs": ten levels of ten references, 10^9 copies of "lol" if expanded.
_LAUGHS = '<!ENTITY lol0 "lol">' + "".join(
    '<!ENTITY lol%d "%s">' % (i, "&lol%d;" % (i - 1) * 10) for i in range(1, 10)
)
ENTITY_XHTML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f"<!DOCTYPE html [{_LAUGHS}]>\n"
    '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>人才政策&lol9;</p></body></html>\n'
)
ENTITY_HTML = (
    f"<!DOCTYPE html [{_LAUGHS}]>\n"
    "<html><body><p>人才政策&lol9;</p><p>给予每人每月3000元生活补贴。</p></body></html>\n"
)

EXPECTED_WARNINGS = {
    "truncated": "truncated UTF-8: 2 bytes of an incomplete character at the end dropped",
}

# Hidden names (leading dot): reported as skipped under their whole name, never read, a hidden
# folder never walked; they look like path traversal ("..txt" has stem ".", a folder "..bak")
# if a name were ever used as an id.
HIDDEN = ("..txt", "..bak/inner.txt", "...txt")


def make_bad_corpus(root: Path) -> dict[str, tuple[str, str | None]]:
    """Write the bad-input corpus under ``root``; return ``{doc_id: (status, reason part)}``."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    expected: dict[str, tuple[str, str | None]] = {}

    def put(name: str, data: bytes, status: str, reason: str | None) -> Path:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        expected[_doc_id(name)] = (status, reason)
        return path

    # --- plain text -------------------------------------------------------------------
    put("good.txt", POLICY.encode("utf-8"), "processed", None)
    put("empty.txt", b"", "skipped", "empty file")
    put("blank.txt", " \t\r\n\u3000\n".encode(), "skipped", "empty file")
    put("binary.txt", random.Random(5).randbytes(8192), "failed", "binary content")
    put("truncated.txt", POLICY.encode("utf-8") + "策".encode()[:2], "processed", None)
    put("gb18030.txt", (POLICY + "附：㐀字以证件为准。\n").encode("gb18030"), "processed", None)
    put("utf16-bom.txt", POLICY.encode("utf-16"), "processed", None)
    put("utf16-nobom.txt", POLICY.encode("utf-16-le"), "processed", None)
    put("人才 政策 2024.txt", POLICY.encode("utf-8"), "processed", None)
    # Names that are only odd on POSIX: a backslash path (traversal if read as a Windows
    # path), a home-directory folder name, a newline.
    put("foo\\..\\..\\evil.txt", POLICY.encode("utf-8"), "processed", None)
    put("~/home.txt", POLICY.encode("utf-8"), "processed", None)
    put("line\nbreak.txt", POLICY.encode("utf-8"), "processed", None)
    for hidden in HIDDEN:
        (root / hidden).parent.mkdir(parents=True, exist_ok=True)
        (root / hidden).write_bytes(POLICY.encode("utf-8"))
        expected[hidden.split("/")[0]] = ("skipped", "hidden")

    # --- size limits ------------------------------------------------------------------
    # 20 MiB of Chinese text: 20 MiB / 4 bytes > 3,000,000 characters, so it fails the
    # default max_chars without even being decoded.
    unit = (POLICY * 64).encode("utf-8")
    put("huge.txt", unit * (20 * MIB // len(unit) + 1), "failed", "--max-chars")
    # Larger than the default max_file_bytes (64 MiB), sparse: costs nothing to write.
    huge = root / "huge-sparse.txt"
    with huge.open("wb") as out:
        out.write(POLICY.encode("utf-8"))
        out.truncate(65 * MIB)
    expected["huge-sparse"] = ("failed", "file too large (65.0 MB > limit 64.0 MB; raise with --max-file-mb)")

    # --- things that are not readable files -------------------------------------------
    locked = put("locked.txt", POLICY.encode("utf-8"), "failed", "permission denied")
    locked.chmod(0)
    if os.geteuid() == 0:  # root reads it anyway
        expected["locked"] = ("processed", None)
    os.mkfifo(root / "x.txt")  # opening it for reading would block forever
    expected["x"] = ("failed", "not a regular file (a FIFO)")
    (root / "dangling.txt").symlink_to(root / "gone.txt")
    expected["dangling"] = ("failed", "broken symbolic link")
    (root / "loop-a.txt").symlink_to("loop-b.txt")
    (root / "loop-b.txt").symlink_to("loop-a.txt")
    expected["loop-a"] = expected["loop-b"] = ("failed", "symbolic link loop")
    (root / "sub").mkdir()
    put("sub/inside.txt", POLICY.encode("utf-8"), "processed", None)
    (root / "sub" / "up").symlink_to("..", target_is_directory=True)  # walked once: no entries
    put("table.xls", b"\xd0\xcf\x11\xe0" + bytes(100), "skipped", "unsupported format .xls")

    # --- HTML -------------------------------------------------------------------------
    put("page.html", HTML_PAGE.encode("utf-8"), "processed", None)
    put("laughs.html", ENTITY_HTML.encode("utf-8"), "failed", "refused: declares XML entities")
    put("laughs-x.xhtml", ENTITY_XHTML.encode("utf-8"), "failed", "refused: declares XML entities")

    # --- .docx and .pdf ---------------------------------------------------------------
    put("doc-good.docx", minimal_docx(), "processed", None)
    put("doc-corrupt.docx", minimal_docx()[:700], "failed", "corrupt docx")
    put("doc-bomb.docx", docx_bomb(), "failed", "refused: docx unpacks to 768.")
    put("doc-liar.docx", docx_liar(), "failed", "inflates beyond its declared size")
    put("doc-laughs.docx", docx_laughs(), "failed", "refused: declares XML entities")
    put("pdf-corrupt.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog", "failed", "corrupt pdf")
    put("pdf-bomb.pdf", pdf_bomb(), "failed", "refused: pdf exceeds a pypdf safety limit")
    return expected


def _doc_id(name: str) -> str:
    """The id iter_corpus gives ``name`` under the root: relative path without its suffix."""
    return Path(name).with_suffix("").as_posix()


# --- .docx builders ---------------------------------------------------------------------------


def minimal_docx(text: str = "对新引进的博士研究生，给予每人每月3000元生活补贴。") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zeros_deflate(size: int) -> bytes:
    """A raw deflate stream of ``size`` zero bytes (a multiple of 1 MiB), built in ms.

    Each 1 MiB block comes from a fresh compressor ended with a full flush, so it refers to
    nothing before it and copies of it can be concatenated; an empty final block ends it.
    """
    assert size % MIB == 0
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = compressor.compress(bytes(MIB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS).flush()
    return block * (size // MIB) + end


def zeros_crc(size: int) -> int:
    crc, chunk = 0, bytes(MIB)
    for _ in range(size // MIB):
        crc = zlib.crc32(chunk, crc)
    return crc


def add_raw_member(archive: bytes, name: str, raw: bytes, crc: int, size: int) -> bytes:
    """``archive`` (a zip without comment or ZIP64) with one more member, deflated, whose
    compressed bytes are ``raw`` and whose headers declare ``crc`` and ``size`` (true or not).

    zipfile can only write data it compresses itself, so the new member is spliced in by hand:
    local header + data before the central directory, a central entry after it.
    """
    end = archive.rindex(b"PK\x05\x06")
    _, _, _, entries, _, cd_size, cd_offset, _ = struct.unpack_from("<4s4H2LH", archive, end)
    encoded = name.encode("utf-8")
    local = struct.pack(
        "<4s5H3L2H", b"PK\x03\x04", 20, 0x800, 8, 0, 0x21, crc, len(raw), size, len(encoded), 0
    ) + encoded
    central = struct.pack(
        "<4s6H3L5HLL", b"PK\x01\x02", 20, 20, 0x800, 8, 0, 0x21, crc, len(raw), size,
        len(encoded), 0, 0, 0, 0, 0, cd_offset,
    ) + encoded
    directory = archive[cd_offset : cd_offset + cd_size] + central
    new_offset = cd_offset + len(local) + len(raw)
    tail = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, entries + 1, entries + 1,
                       len(directory), new_offset, 0)
    return archive[:cd_offset] + local + raw + directory + tail


def docx_bomb() -> bytes:
    """A valid .docx plus a media member that honestly inflates to 768 MiB of zeros."""
    return add_raw_member(minimal_docx(), "word/media/image1.bin", zeros_deflate(BOMB_UNPACKED),
                          zeros_crc(BOMB_UNPACKED), BOMB_UNPACKED)


def docx_liar() -> bytes:
    """A valid .docx plus a member declaring 1,000 bytes (with their true CRC) whose stream
    inflates to 64 MiB: small by its headers, which zipfile.ZipFile.read does not enforce
    until it has inflated the lot."""
    return add_raw_member(minimal_docx(), "word/media/image1.bin", zeros_deflate(LIAR_ACTUAL),
                          zlib.crc32(bytes(LIAR_DECLARED)), LIAR_DECLARED)


def docx_laughs() -> bytes:
    """A .docx whose word/document.xml declares the billion-laughs entities and uses them."""
    source = zipfile.ZipFile(io.BytesIO(minimal_docx("人才政策")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                declaration, rest = data.decode("utf-8").split("?>", 1)
                rest = rest.replace("人才政策", "人才政策&lol9;")
                data = f"{declaration}?><!DOCTYPE w:document [{_LAUGHS}]>{rest}".encode()
            archive.writestr(info.filename, data)
    return out.getvalue()


# --- .pdf builders ----------------------------------------------------------------------------


def pdf(objects: list[bytes]) -> bytes:
    """A PDF file of ``objects`` (numbered from 1, object 1 the catalog) with a valid xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_bomb() -> bytes:
    """A one-page PDF whose /FlateDecode content stream inflates to 100 MiB of zeros."""
    stream = b"\x78\xda" + zeros_deflate(PDF_BOMB_UNPACKED) + struct.pack(">L", _zeros_adler(PDF_BOMB_UNPACKED))
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def _zeros_adler(size: int) -> int:
    adler, chunk = 1, bytes(MIB)
    for _ in range(size // MIB):
        adler = zlib.adler32(chunk, adler)
    return adler
