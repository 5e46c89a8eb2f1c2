"""Reading a corpus: files on disk -> decoded documents, every file accounted for.

``iter_corpus(paths, limits)`` walks folders and files and yields one ``SourceFile`` per file
found, with status "processed", "skipped" (empty, unsupported format) or "failed" (binary,
corrupt, unreadable, too large, refused as hostile, duplicate doc id) and a human-readable
reason; it never raises for a bad file, so one broken document cannot stop a run and the run
report can list every input.

For a parallel or resumable run the same work is available in picklable pieces:
``list_files(paths)`` -> ``Entry(path, doc_id, error)`` (the walk, reading nothing),
``load_bytes(path, limits)`` -> bytes, ``decode_document(data, fmt, limits)`` ->
``Decoded(text, encoding, warning)``, and ``read_source(path, doc_id, limits)`` -> SourceFile
(format + bytes + SHA-256 + text, never raising). Only the duplicate-id rule needs the whole
corpus and stays in ``iter_corpus``.

Offsets downstream index into ``SourceFile.text``: plain text and Markdown are the bytes
decoded with the BOM stripped and nothing else changed (see ``decode``); HTML, .docx and .pdf
are rendered to text once here (see ``formats``), tables as TAB-joined cells per row. A
truncated file (a UTF-8 character cut off in its last bytes) is read up to the cut, with
``SourceFile.warning`` saying so.

Limits and guards (corpora are scraped from the web; see ``limits`` and ``guards``). Every
refusal is a "failed" SourceFile whose reason names the limit and the option raising it:

- ``Limits.max_file_bytes`` (64 MiB, --max-file-mb): checked with stat before reading; at most
  limit + 1 bytes are ever read. FIFOs, sockets and devices are failed without being opened.
- ``Limits.max_unpacked_bytes`` (256 MiB, --max-unpacked-mb) and ``max_archive_members``
  (10,000): a .docx zip bomb is refused from its headers, and every member is inflated in
  bounded steps and refused if it yields more than it declares (zipfile would otherwise
  inflate up to 1 GiB per read before cutting a lying member to size).
- ``Limits.max_chars`` (3,000,000 characters, --max-chars): longer document text fails.
- XML entity declarations (``<!ENTITY``) in a .docx's parts or an HTML/XHTML page are refused
  ("billion laughs"), although the parsers used would not expand them today.
- PDF: pypdf's own decompression limits (75 MB per stream) are reported as refused, and the
  text is checked against ``max_chars`` page by page.
- HTML: scripts, styles, ``<noscript>``, ``<template>``, ``<head>``, comments and attributes
  (event handlers) never reach the text.

Modules: ``decode`` (bytes -> str), ``formats`` (suffix -> format -> text), ``guards``
(hostile-input checks), ``limits`` (Limits), ``walk`` (paths -> SourceFile, doc ids),
``errors`` (ReadError).
"""

from .decode import Decoded
from .errors import ReadError
from .formats import decode_document
from .limits import Limits
from .walk import (
    Entry,
    SourceFile,
    iter_corpus,
    list_files,
    load_bytes,
    read_file,
    read_source,
)

__all__ = [
    "Decoded",
    "Entry",
    "Limits",
    "ReadError",
    "SourceFile",
    "decode_document",
    "iter_corpus",
    "list_files",
    "load_bytes",
    "read_file",
    "read_source",
]
