"""Hostile and broken inputs: the bad corpus end to end, then the reading steps one by one."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import pickle
import threading
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path, PurePosixPath

import pytest
from bs4 import BeautifulSoup

from policy_miner.corpus import (
    Decoded,
    Entry,
    Limits,
    ReadError,
    SourceFile,
    decode_document,
    iter_corpus,
    list_files,
    load_bytes,
    read_file,
    read_source,
)
from policy_miner.corpus import formats

from .bad_corpus import (
    EXPECTED_WARNINGS,
    HIDDEN,
    HTML_HIDDEN_MARKERS,
    LIAR_ACTUAL,
    LIAR_DECLARED,
    MIB,
    POLICY,
    add_raw_member,
    docx_laughs,
    make_bad_corpus,
    minimal_docx,
    pdf,
    zeros_crc,
    zeros_deflate,
)


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[str, str | None]]]:
    root = tmp_path_factory.mktemp("bad") / "corpus"
    started = time.perf_counter()
    expected = make_bad_corpus(root)
    assert time.perf_counter() - started < 5  # ~0.5 s measured
    return root, expected


@pytest.fixture(scope="module")
def sources(bad: tuple[Path, dict]) -> list[SourceFile]:
    root, _ = bad
    return list(iter_corpus([root]))


def _reason(exc: pytest.ExceptionInfo[ReadError]) -> tuple[str, str]:
    return exc.value.status, exc.value.reason


# --- the bad corpus end to end ---------------------------------------------------------------


def test_every_file_once_with_expected_status(bad: tuple[Path, dict], sources: list[SourceFile]) -> None:
    _, expected = bad
    ids = [s.doc_id for s in sources]
    assert len(ids) == len(set(ids)), "a file was yielded twice"
    assert set(ids) == set(expected)
    for source in sources:
        status, reason = expected[source.doc_id]
        assert source.status == status, (source.doc_id, source.reason)
        if reason is None:
            assert source.reason is None, (source.doc_id, source.reason)
        else:
            assert reason in source.reason, (source.doc_id, source.reason)
        assert (source.text is not None) == (status == "processed")
        assert source.text != ""
        assert source.warning == EXPECTED_WARNINGS.get(source.doc_id)


def test_hidden_names_are_reported_not_read(bad: tuple[Path, dict], sources: list[SourceFile]) -> None:
    root, _ = bad
    assert all((root / name).exists() for name in HIDDEN)
    hidden = [s for s in sources if "/." in s.path[len(str(root)):]]
    assert sorted(s.doc_id for s in hidden) == ["...txt", "..bak", "..txt"]  # the folder is not walked
    assert all(s.status == "skipped" and s.text is None and "hidden" in s.reason for s in hidden)


def test_doc_ids_stay_inside(sources: list[SourceFile]) -> None:
    for source in sources:
        assert not PurePosixPath(source.doc_id).is_absolute()
        assert all(part not in ("", ".", "..") for part in source.doc_id.split("/")), source.doc_id


def test_sha256_of_read_files(sources: list[SourceFile]) -> None:
    for source in sources:
        if source.status == "processed" or source.reason.startswith(("refused", "corrupt", "binary", "text too long")):
            assert source.sha256 == hashlib.sha256(Path(source.path).read_bytes()).hexdigest()
        elif source.reason.startswith(("unsupported", "not a regular", "file too large", "symbolic", "broken")):
            assert source.sha256 is None


def test_texts_of_processed_files(sources: list[SourceFile]) -> None:
    found = {s.doc_id: s for s in sources}
    for doc_id in ("good", "gb18030", "utf16-bom", "utf16-nobom", "人才 政策 2024", "sub/inside", "~/home"):
        assert found[doc_id].text.startswith(POLICY), doc_id
    assert found["truncated"].text == POLICY  # the cut character is gone, nothing else
    assert (found["gb18030"].encoding, found["utf16-nobom"].encoding) == ("gb18030", "utf_16_le")
    assert found["doc-good"].text == "对新引进的博士研究生，给予每人每月3000元生活补贴。"


def test_html_hides_scripts_styles_comments_handlers(sources: list[SourceFile]) -> None:
    (page,) = [s for s in sources if s.doc_id == "page"]
    text = page.text
    assert "关于支持人才创新创业的若干措施" in text
    assert "给予每人每月3000元生活补贴" in text and "矢量图文字" in text
    for marker in HTML_HIDDEN_MARKERS:
        assert marker not in text, marker
    assert "alert" not in text and "onclick" not in text and "<" not in text


def _measure(path: Path, limits: Limits = Limits()) -> tuple[SourceFile, float, int]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        source = read_source(path, path.stem, limits)
        return source, time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    "name",
    ["doc-bomb.docx", "doc-liar.docx", "doc-laughs.docx", "laughs.html", "laughs-x.xhtml", "huge.txt"],
)
def test_bombs_refused_without_inflating(bad: tuple[Path, dict], name: str) -> None:
    root, _ = bad
    source, seconds, peak = _measure(root / name)
    assert source.status == "failed"
    assert seconds < 2  # measured: bomb.docx 5 ms, liar.docx ~40 ms, the others < 30 ms
    # The file's own bytes are held once (huge.txt: 20 MiB); nothing is inflated beyond a
    # few 1 MiB steps.
    assert peak < Path(root / name).stat().st_size + 8 * MIB, peak


def test_pdf_flate_bomb_is_bounded_by_pypdf(bad: tuple[Path, dict]) -> None:
    root, _ = bad
    started = time.perf_counter()
    source = read_source(root / "pdf-bomb.pdf", "pdf-bomb")
    assert source.reason.startswith("refused: pdf exceeds a pypdf safety limit (LimitReachedError")
    assert time.perf_counter() - started < 5  # measured ~0.4 s (pypdf stops at 75 MB)


def test_bad_corpus_is_small(bad: tuple[Path, dict]) -> None:
    root, _ = bad
    for name in ("doc-bomb.docx", "doc-liar.docx", "pdf-bomb.pdf", "doc-laughs.docx"):
        assert (root / name).stat().st_size < MIB, name


# --- zip facts the guard rests on ------------------------------------------------------------


def _liar_archive() -> zipfile.ZipFile:
    data = add_raw_member(minimal_docx(), "big.bin", zeros_deflate(LIAR_ACTUAL),
                          zlib.crc32(bytes(LIAR_DECLARED)), LIAR_DECLARED)
    return zipfile.ZipFile(io.BytesIO(data))


def test_zipfile_declared_size_claim() -> None:
    """Chunked reads stop at the declared size; ZipFile.read inflates a lying member whole.

    So "zipfile never inflates beyond the declared size" holds only for small reads, and the
    guard must check the streams itself (python-docx uses ZipFile.read).
    """
    archive = _liar_archive()
    assert archive.getinfo("big.bin").file_size == LIAR_DECLARED
    tracemalloc.start()
    try:
        with archive.open("big.bin") as member:
            got = b"".join(iter(lambda: member.read(65536), b""))
        chunked_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        whole = archive.read("big.bin")
        whole_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert got == whole == bytes(LIAR_DECLARED)  # the CRC of the prefix passes both ways
    assert chunked_peak < MIB
    assert whole_peak > LIAR_ACTUAL // 2  # it inflated the 64 MiB before cutting to 1,000


def test_spliced_member_is_a_valid_honest_zip() -> None:
    size = 4 * MIB
    data = add_raw_member(minimal_docx(), "word/media/zeros.bin", zeros_deflate(size), zeros_crc(size), size)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    assert archive.read("word/media/zeros.bin") == bytes(size)
    assert decode_document(data, "docx").text.startswith("对新引进")  # under the limits: fine
    small = Limits(max_unpacked_bytes=2 * MIB)
    with pytest.raises(ReadError) as info:
        decode_document(data, "docx", small)
    assert info.value.reason.startswith("refused: docx unpacks to 4.")
    assert info.value.reason.endswith("(> limit 2.0 MB; raise with --max-unpacked-mb)")


def test_docx_member_count_limit() -> None:
    with pytest.raises(ReadError) as info:
        decode_document(minimal_docx(), "docx", Limits(max_archive_members=3))
    assert info.value.reason.startswith("refused: docx has ")
    assert info.value.reason.endswith("archive members (> limit 3)")


def test_docx_bzip2_member_refused() -> None:
    buffer = io.BytesIO(minimal_docx())
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("word/media/x.bin", b"x" * 100, compress_type=zipfile.ZIP_BZIP2)
    with pytest.raises(ReadError) as info:
        decode_document(buffer.getvalue(), "docx")
    assert "uses compression method 12" in info.value.reason


def test_docx_utf16_part_with_entities_refused() -> None:
    buffer = io.BytesIO(minimal_docx())
    part = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("customXml/item9.xml", part.encode("utf-16"))
    with pytest.raises(ReadError) as info:
        decode_document(buffer.getvalue(), "docx")
    assert _reason(info) == ("failed", "refused: declares XML entities (entity-expansion bomb guard)")


# --- the parsers would not expand entities anyway (why the refusal is defence in depth) -------


def test_python_docx_does_not_expand_entities() -> None:
    laughs = formats._docx  # the parser step alone, without the guard
    with pytest.raises(ReadError) as info:
        laughs(docx_laughs())
    assert "amplification" in info.value.reason or "entity" in info.value.reason.lower()
    # A harmless entity is not substituted either (resolve_entities=False).
    source = zipfile.ZipFile(io.BytesIO(minimal_docx("人才政策")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info_ in source.infolist():
            data = source.read(info_)
            if info_.filename == "word/document.xml":
                head, rest = data.decode().split("?>", 1)
                data = f'{head}?><!DOCTYPE w:document [<!ENTITY x "展开文字">]>{rest.replace("人才政策", "人才政策&x;")}'.encode()
            archive.writestr(info_, data)
    text = formats._docx(out.getvalue())
    assert "展开文字" not in text and text.startswith("人才政策")


def test_lxml_html_parser_does_not_expand_entities() -> None:
    page = '<!DOCTYPE html [<!ENTITY x "展开文字"><!ENTITY y SYSTEM "file:///etc/hostname">]><p>甲&x;乙&y;</p>'
    text = BeautifulSoup(page, "lxml").get_text()
    assert "展开文字" not in text and "&x;" in text  # and the DTD leaks into the text as "]>"
    with pytest.raises(ReadError) as info:
        decode_document(page.encode("utf-16"), "html")  # refused whatever the encoding
    assert info.value.reason.startswith("refused: declares XML entities")


# --- load_bytes ------------------------------------------------------------------------------


def test_load_bytes_reads_regular_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"abc" * 10)
    assert load_bytes(path, Limits()) == b"abc" * 10
    assert load_bytes(path, Limits(max_file_bytes=30)) == b"abc" * 10


def test_load_bytes_never_blocks_on_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "x.txt"
    os.mkfifo(fifo)
    outcome: list[object] = []

    def read() -> None:
        try:
            load_bytes(fifo, Limits())
        except ReadError as exc:
            outcome.append(exc.reason)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    thread.join(5)
    if thread.is_alive():  # unblock it before failing
        with open(fifo, "wb"):
            pass
        pytest.fail("load_bytes blocked on a FIFO")
    assert outcome == ["not a regular file (a FIFO)"]


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p.mkdir(), "not a regular file (a folder)"),
        (lambda p: p.symlink_to(p.parent / "gone"), "broken symbolic link"),
        (lambda p: p.symlink_to(p), "symbolic link loop"),
        (lambda p: None, "no such file"),
    ],
    ids=["folder", "broken-link", "self-link", "missing"],
)
def test_load_bytes_failures(tmp_path: Path, make: object, reason: str) -> None:
    path = tmp_path / "x.txt"
    make(path)  # type: ignore[operator]
    with pytest.raises(ReadError) as info:
        load_bytes(path, Limits())
    assert _reason(info) == ("failed", reason)


def test_load_bytes_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_bytes(b"x")
    path.chmod(0)
    if os.geteuid() == 0:  # root ignores the mode: simulate
        def deny(*args: object, **kwargs: object) -> int:
            raise PermissionError(13, "Permission denied", str(path))

        monkeypatch.setattr(os, "open", deny)
    with pytest.raises(ReadError) as info:
        load_bytes(path, Limits())
    assert _reason(info) == ("failed", "permission denied")


def test_load_bytes_too_large(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as out:
        out.truncate(20 * MIB)
    with pytest.raises(ReadError) as info:
        load_bytes(path, Limits(max_file_bytes=16 * MIB))
    assert _reason(info) == ("failed", "file too large (20.0 MB > limit 16.0 MB; raise with --max-file-mb)")


def test_load_bytes_file_that_grows_after_stat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "growing.txt"
    path.write_bytes(b"x" * 5000)
    real_stat = os.stat

    def small_stat(target: object, *args: object, **kwargs: object) -> os.stat_result:
        result = real_stat(target, *args, **kwargs)
        if str(target) == str(path):
            fields = list(result)
            fields[6] = 10  # st_size as it was when "checked"
            return os.stat_result(fields)
        return result

    def small_fstat(fd: int) -> os.stat_result:
        fields = list(real_fstat(fd))
        fields[6] = 10
        return os.stat_result(fields)

    real_fstat = os.fstat
    monkeypatch.setattr(os, "stat", small_stat)
    monkeypatch.setattr(os, "fstat", small_fstat)
    with pytest.raises(ReadError) as info:
        load_bytes(path, Limits(max_file_bytes=1000))
    assert _reason(info) == (
        "failed", "file too large (grew past the limit of 1,000 bytes while read; raise with --max-file-mb)"
    )


# --- decode_document ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tail", "dropped"),
    [("策".encode()[:1], "1 byte"), ("策".encode()[:2], "2 bytes"), ("𠀀".encode()[:3], "3 bytes")],
)
def test_truncated_utf8_is_read_with_warning(tail: bytes, dropped: str) -> None:
    result = decode_document(POLICY.encode() + tail, "text", Limits())
    assert result == Decoded(POLICY, "utf_8", f"truncated UTF-8: {dropped} of an incomplete character at the end dropped")


def test_truncated_utf8_with_bom_and_utf16() -> None:
    result = decode_document(b"\xef\xbb\xbf" + POLICY.encode() + b"\xe7\xad", "markdown", Limits())
    assert (result.text, result.warning) == (POLICY, "truncated UTF-8: 2 bytes of an incomplete character at the end dropped")
    result = decode_document(POLICY.encode("utf-16") + b"\x00", "text", Limits())
    assert (result.text, result.encoding, result.warning) == (
        POLICY, "utf_16", "truncated UTF-16: 1 byte of an incomplete character at the end dropped",
    )


def test_invalid_utf8_elsewhere_is_not_truncation() -> None:
    gbk = (POLICY * 2).encode("gbk")
    result = decode_document(gbk, "text", Limits())
    assert result == Decoded(POLICY * 2, "gb18030", None)
    # Truncated GBK (a lone lead byte at the end) is not UTF-8: read as GB18030, cut.
    assert decode_document(gbk + b"\xb2", "text", Limits()) == Decoded(
        POLICY * 2, "gb18030", "truncated GB18030: 1 byte of an incomplete character at the end dropped"
    )
    # Valid UTF-8 with one bad byte in the middle and a cut at the end: no UTF-8 repair.
    broken = POLICY.encode() + b"\xff" + POLICY.encode() + "策".encode()[:2]
    try:
        result = decode_document(broken, "text", Limits())
    except ReadError as exc:
        assert exc.status == "failed"
    else:
        assert result.encoding != "utf_8" and not (result.warning or "").startswith("truncated UTF-8")


def test_html_truncated_utf8_warning() -> None:
    page = "<html><body><p>人才补贴3000元</p><p>到2025年".encode() + "策".encode()[:2]
    result = decode_document(page, "html", Limits())
    assert result.text == "人才补贴3000元\n到2025年"
    assert result.warning.startswith("truncated UTF-8: 2 bytes")


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "docx", "pdf"])
def test_max_chars_every_format(fmt: str) -> None:
    body = "人才补贴每人每月3000元" * 5  # 65 characters
    data = {
        "text": body.encode(),
        "markdown": body.encode("gb18030"),
        "html": f"<p>{body}</p>".encode(),
        "docx": minimal_docx(body),
        "pdf": pdf([
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length 52 >>\nstream\nBT /F1 12 Tf 72 720 Td (Subsidy 3000 yuan each) Tj ET\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]),
    }[fmt]
    assert decode_document(data, fmt, Limits()).text
    with pytest.raises(ReadError) as info:
        decode_document(data, fmt, Limits(max_chars=10))
    assert info.value.status == "failed"
    assert info.value.reason.startswith("text too long (")
    assert info.value.reason.endswith("characters > limit 10; raise with --max-chars)")


def test_max_chars_precheck_skips_decoding() -> None:
    with pytest.raises(ReadError) as info:
        decode_document(b"a" * 4001, "text", Limits(max_chars=1000))
    assert info.value.reason == "text too long (at least 1,000 characters > limit 1,000; raise with --max-chars)" or \
        info.value.reason == "text too long (4,001 characters > limit 1,000; raise with --max-chars)"
    with pytest.raises(ReadError) as info:
        decode_document(b"a" * 4004, "text", Limits(max_chars=1000))
    assert info.value.reason == "text too long (at least 1,001 characters > limit 1,000; raise with --max-chars)"


def test_decode_document_is_pure_and_unknown_format_raises() -> None:
    with pytest.raises(ValueError):
        decode_document(b"x", "xls", Limits())
    with pytest.raises(ReadError) as info:
        decode_document(b"", "pdf", Limits())
    assert _reason(info) == ("skipped", "empty file")


# --- Limits, Entry, SourceFile, read_source, list_files ------------------------------------


def test_limits_defaults_frozen_validated_picklable() -> None:
    limits = Limits()
    assert (limits.max_file_bytes, limits.max_unpacked_bytes, limits.max_archive_members, limits.max_chars) == (
        64 * MIB, 256 * MIB, 10_000, 3_000_000,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        limits.max_chars = 1  # type: ignore[misc]
    for bad_value in (0, -1, True, 1.5):
        with pytest.raises(ValueError):
            Limits(max_chars=bad_value)  # type: ignore[arg-type]
    assert pickle.loads(pickle.dumps(Limits(max_chars=7))) == Limits(max_chars=7)


def test_read_source_and_pickling(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(POLICY.encode())
    source = read_source(path, "a")
    assert (source.status, source.text, source.encoding, source.format) == ("processed", POLICY, "utf_8", "text")
    assert source.sha256 == hashlib.sha256(POLICY.encode()).hexdigest()
    assert pickle.loads(pickle.dumps(source)) == source
    entry = Entry(path, "a")
    assert pickle.loads(pickle.dumps(entry)) == entry and entry.error is None
    (tmp_path / "b.xls").write_bytes(b"x")
    skipped = read_source(tmp_path / "b.xls", "b")
    assert (skipped.status, skipped.reason, skipped.sha256, skipped.format) == (
        "skipped", "unsupported format .xls", None, None,
    )
    assert read_file(path, Limits()) == (POLICY, "utf_8", "text")


def test_list_files_reads_nothing(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_bytes(b"")
    os.mkfifo(tmp_path / "a.txt")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "c.txt").write_bytes(b"")
    entries = list(list_files([tmp_path, tmp_path / "missing.pdf"]))
    assert entries == [
        Entry(tmp_path / ".git", ".git", skipped="hidden folder (name starts with '.')"),
        Entry(tmp_path / "a.txt", "a"),
        Entry(tmp_path / "sub" / "b.txt", "sub/b"),
        Entry(tmp_path / "missing.pdf", "missing", "no such file or folder"),
    ]


@pytest.mark.parametrize(("name", "doc_id"), [("..txt", "..txt"), ("...txt", "...txt"), ("a.b.txt", "a.b")])
def test_file_given_directly_never_gets_a_dot_id(tmp_path: Path, name: str, doc_id: str) -> None:
    path = tmp_path / name
    path.write_bytes(POLICY.encode())
    (source,) = iter_corpus([path])
    assert (source.doc_id, source.status) == (doc_id, "processed")
