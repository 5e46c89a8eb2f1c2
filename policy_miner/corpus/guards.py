"""Checks that refuse hostile documents before a parsing library touches them.

Corpora are scraped from the web, so a file can be built to exhaust the reader. Every check
here works from headers or a bounded, streamed pass over the data, and raises ReadError with
a reason starting "refused:" so the report tells a refused file from a merely corrupt one.

**.docx zip bombs** (``check_docx_archive``). A .docx is a zip archive that python-docx reads
with ``zipfile.ZipFile.read``. The archive is refused when it has more members than
``Limits.max_archive_members`` or their declared uncompressed sizes add up to more than
``Limits.max_unpacked_bytes``. Declared sizes alone do *not* bound the work: a member can
declare 1,000 bytes (with the CRC of its first 1,000 bytes) and carry a deflate stream of
gigabytes. ``ZipExtFile.read(n)`` with a small ``n`` stops at the declared size, but
``ZipFile.read`` inflates up to 1 GiB per step before cutting to the declared size (measured
with CPython 3.11: a member declaring 1,000 bytes over 200 MiB of zeros peaks at 437 MiB).
So every member is also inflated here in 1 MiB steps and refused as soon as it yields more
than it declared; after that pass, the declared sizes are a true bound for python-docx.
Members stored with anything but "stored" or "deflate" are refused: Word writes only those,
and zipfile's bzip2/lzma paths decompress a whole read without any output bound.

**XML entity expansion** ("billion laughs", ``check_docx_archive`` and
``check_no_entities``). A .docx whose XML parts, or an HTML/XHTML page that, declares
entities (``<!ENTITY``) is refused. Neither parser we use expands them today: python-docx
parses with ``resolve_entities=False`` (and libxml2 >= 2.12 aborts with "Maximum entity
amplification factor exceeded" on a nested bomb even so), and lxml's HTML parser, behind
BeautifulSoup, does not read an internal DTD subset at all (the declarations end up as text
such as "]>" and references stay literal). We still refuse because that safety rests on
library versions and parser settings we do not control, because no real Word document or
government web page declares entities, and because the HTML parser's reading of such a
page puts DTD fragments into the document text.

The streamed pass costs one inflate of the archive (bounded by ``max_unpacked_bytes``) and
keeps at most a few MiB in memory whatever the archive claims.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator

from .errors import FAILED, ReadError
from .limits import Limits, size_text

_STEP = 1 << 20  # inflate at most this many bytes at a time
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # signature ... file name length, extra length
_LOCAL_SIGNATURE = b"PK\x03\x04"
_END_SIGNATURE = b"PK\x05\x06"
_END_SEARCH = 22 + 0xFFFF  # end-of-central-directory record plus the longest comment

_ENTITY_TEXT = re.compile(r"<!ENTITY", re.I)
# "<!ENTITY" as XML parts may spell it: UTF-8/ASCII, UTF-16 either byte order. (XML is
# case-sensitive, so lower-case declarations are not declarations.)
_ENTITY_BYTES = (
    b"<!ENTITY",
    "<!ENTITY".encode("utf-16-le"),
    "<!ENTITY".encode("utf-16-be"),
)
_OVERLAP = max(len(p) for p in _ENTITY_BYTES) - 1
ENTITY_REASON = "refused: declares XML entities (entity-expansion bomb guard)"


def check_no_entities(markup: str) -> None:
    """Refuse an HTML/XHTML page that declares entities (see the module docstring)."""
    if _ENTITY_TEXT.search(markup):
        raise ReadError(ENTITY_REASON, FAILED)


def check_docx_archive(data: bytes, limits: Limits) -> None:
    """Refuse a .docx that is a zip bomb or declares XML entities; raise ReadError.

    Works from the zip headers and a streamed, bounded inflate of each member (see the module
    docstring). A file that is not a readable zip at all is left for python-docx to report as
    corrupt, so corrupt and refused stay distinct.
    """
    declared = _declared_entries(data)
    if declared is not None and declared > limits.max_archive_members:
        raise ReadError(_members_reason(declared, limits), FAILED)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return  # not a zip we can inspect: python-docx will fail it as corrupt
    members = archive.infolist()
    if len(members) > limits.max_archive_members:
        raise ReadError(_members_reason(len(members), limits), FAILED)
    total = sum(member.file_size for member in members)
    if total > limits.max_unpacked_bytes:
        raise ReadError(
            f"refused: docx unpacks to {size_text(total)} (> limit "
            f"{size_text(limits.max_unpacked_bytes)}; raise with --max-unpacked-mb)",
            FAILED,
        )
    view = memoryview(data)
    for member in members:
        _check_member(view, member)


def _members_reason(count: int, limits: Limits) -> str:
    return f"refused: docx has {count:,} archive members (> limit {limits.max_archive_members:,})"


def _declared_entries(data: bytes) -> int | None:
    """Member count from the end-of-central-directory record, read before zipfile parses the
    whole central directory (None when absent or ZIP64, left to zipfile)."""
    at = data.rfind(_END_SIGNATURE, max(0, len(data) - _END_SEARCH))
    if at < 0 or at + 22 > len(data):
        return None
    (entries,) = struct.unpack_from("<H", data, at + 10)
    return None if entries == 0xFFFF else entries


def _check_member(data: memoryview, member: zipfile.ZipInfo) -> None:
    """Inflate one member in bounded steps: it must not exceed its declared size and must
    not declare XML entities."""
    name = member.filename
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ReadError(
            f"refused: docx member {name} uses compression method {member.compress_type} "
            "(Word writes only stored or deflate)",
            FAILED,
        )
    if member.flag_bits & 0x1:
        raise ReadError(f"corrupt docx (member {name} is encrypted)", FAILED)
    raw = _raw_member(data, member)
    tail = b""
    for chunk in _inflate(raw, member):
        window = tail + chunk
        if any(pattern in window for pattern in _ENTITY_BYTES):
            raise ReadError(ENTITY_REASON, FAILED)
        tail = window[-_OVERLAP:]


def _raw_member(data: memoryview, member: zipfile.ZipInfo) -> memoryview:
    """The member's compressed bytes, located as zipfile does (central directory offsets)."""
    start = member.header_offset
    if start < 0 or start + _LOCAL_HEADER.size > len(data):
        raise ReadError(f"corrupt docx (member {member.filename} lies outside the file)", FAILED)
    fields = _LOCAL_HEADER.unpack_from(data, start)
    if fields[0] != _LOCAL_SIGNATURE:
        raise ReadError(f"corrupt docx (bad local header for {member.filename})", FAILED)
    begin = start + _LOCAL_HEADER.size + fields[-2] + fields[-1]
    end = begin + member.compress_size
    if end > len(data):
        raise ReadError(f"corrupt docx (member {member.filename} is truncated)", FAILED)
    return data[begin:end]


def _inflate(raw: memoryview, member: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's content in chunks of at most ``_STEP`` bytes, stopping with ReadError as
    soon as it exceeds the declared size (zipfile would cut it there, but only after
    inflating far more)."""
    declared = member.file_size
    if member.compress_type == zipfile.ZIP_STORED:
        content = raw[:declared]  # zipfile reads compress_size bytes and keeps file_size
        for at in range(0, len(content), _STEP):
            yield bytes(content[at : at + _STEP])
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    produced = 0
    pending: bytes | memoryview = raw
    try:
        while not inflater.eof:
            chunk = inflater.decompress(pending, _STEP)
            pending = inflater.unconsumed_tail
            if not chunk and not pending:
                break  # input used up and nothing buffered: a truncated stream ends here
            produced += len(chunk)
            if produced > declared:
                raise ReadError(
                    f"refused: docx member {member.filename} inflates beyond its declared size "
                    f"of {declared:,} bytes (zip bomb guard)",
                    FAILED,
                )
            yield chunk
    except zlib.error as exc:
        raise ReadError(f"corrupt docx (member {member.filename}: {exc})", FAILED) from exc
