"""Resource limits for reading one document, so one hostile or absurd file cannot exhaust a run.

Corpora are scraped from the web: a file may be huge, a .docx may be a zip bomb, a page may
be a megabyte of text on one line. Each limit turns such a file into a "failed" SourceFile
whose reason names the limit and the command-line option that raises it, instead of letting
a worker run out of memory or time. The defaults are far above any real policy document, so
they only ever stop files that are not one.
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Per-document ceilings (bytes or characters); frozen so it can be shared and pickled."""

    max_file_bytes: int = 64 * MIB
    """Largest file read at all, checked with ``stat`` before reading (raise: --max-file-mb).

    64 MiB: the longest policy documents (annual budgets, five-year plans with tables) are a
    few MB even as scanned-free PDF or .docx with images; 64 MiB leaves a wide margin while
    keeping one worker's peak memory (bytes + decoded text + parse tree) well under a few GB.
    """

    max_unpacked_bytes: int = 256 * MIB
    """Total declared uncompressed size of a .docx archive's members (raise: --max-unpacked-mb).

    256 MiB: a .docx is a zip; Word's own XML for a 1,000-page document is tens of MB and
    embedded images add some more, while a zip bomb declares gigabytes. The declared sizes are
    verified against the compressed streams (see ``guards``), so this bounds the real work.
    """

    max_archive_members: int = 10_000
    """Most members a .docx archive may have.

    10,000: Word writes a few dozen parts (plus one per image, header, footnote...); many
    thousands means an archive built to make the reader loop, not a document.
    """

    max_chars: int = 3_000_000
    """Most characters of document text (raise: --max-chars).

    3,000,000: about 1,500 pages of dense Chinese, well beyond the longest policy document.
    Text extraction downstream is roughly linear but not cheap per character, so a longer
    text is almost certainly a data dump or a concatenation that should be split first.
    """

    def __post_init__(self) -> None:
        for name in ("max_file_bytes", "max_unpacked_bytes", "max_archive_members", "max_chars"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"Limits.{name} must be a positive integer, not {value!r}")


def size_text(n: int) -> str:
    """A byte count for a reason string: "20.0 MB", "1.0 GB" (binary units, as the options);
    below 0.1 MB in bytes ("1,000 bytes")."""
    if n < MIB // 10:
        return f"{n:,} bytes"
    if n >= 1024 * MIB:
        return f"{n / (1024 * MIB):.1f} GB"
    return f"{n / MIB:.1f} MB"
