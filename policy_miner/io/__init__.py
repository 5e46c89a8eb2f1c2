"""Output helpers: files are written atomically so an interrupted run never leaves half a file."""

from .atomic import atomic_open, atomic_write_text

__all__ = ["atomic_open", "atomic_write_text"]
