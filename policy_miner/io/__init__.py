"""Output helpers: files are written atomically so an interrupted run never leaves half a file,
and read back as typed records by the steps that work on outputs (graph, export)."""

from .atomic import atomic_open, atomic_path, atomic_write_text
from .read import OutputError, Outputs, read_jsonl, read_outputs, record_rows

__all__ = ["OutputError", "Outputs", "atomic_open", "atomic_path", "atomic_write_text", "read_jsonl",
           "read_outputs", "record_rows"]
