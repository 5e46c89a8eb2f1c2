"""Reading a corpus: files on disk -> decoded documents, every file accounted for.

``iter_corpus(paths)`` walks folders and files and yields one ``SourceFile`` per file found,
with status "processed", "skipped" (empty, unsupported format) or "failed" (binary, corrupt,
unreadable, duplicate doc id) and a human-readable reason; it never raises for a bad file, so
one broken document cannot stop a run and the run report can list every input.

Offsets downstream index into ``SourceFile.text``: plain text and Markdown are the bytes
decoded with the BOM stripped and nothing else changed (see ``decode``); HTML, .docx and .pdf
are rendered to text once here (see ``formats``), tables as TAB-joined cells per row.

Modules: ``decode`` (bytes -> str), ``formats`` (suffix -> format -> text), ``walk`` (paths ->
SourceFile, doc ids), ``errors`` (ReadError).
"""

from .errors import ReadError
from .walk import SourceFile, iter_corpus, read_file

__all__ = ["ReadError", "SourceFile", "iter_corpus", "read_file"]
