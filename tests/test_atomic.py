"""Atomic writes: the target is either the old content or the new, and no temp files linger."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_miner.io import atomic_open, atomic_path, atomic_write_text


def test_write_text_creates_utf8_with_lf(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    atomic_write_text(target, "第一行\n第二行\n")
    assert target.read_bytes() == "第一行\n第二行\n".encode("utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_write_text_replaces_existing(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    atomic_write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_open_writes_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with atomic_open(target) as handle:
        handle.write("a\n")
        handle.write("b\n")
        assert not target.exists()  # nothing visible until the block completes
    assert target.read_bytes() == b"a\nb\n"


def test_error_keeps_old_file_and_removes_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_open(target) as handle:
            handle.write("half")
            raise RuntimeError("boom")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_error_without_old_file_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        with atomic_open(tmp_path / "new.txt") as handle:
            handle.write("x")
            raise ValueError
    assert list(tmp_path.iterdir()) == []


def test_mode_is_not_private(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o644)
    atomic_write_text(target, "new")
    assert target.stat().st_mode & 0o777 == 0o644


def test_atomic_path_replaces_on_success(tmp_path: Path) -> None:
    target = tmp_path / "table.xlsx"
    target.write_bytes(b"old")
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp.suffix == ".xlsx"  # writers may pick the format by suffix
        tmp.write_bytes(b"\x00new")
        assert target.read_bytes() == b"old"
    assert target.read_bytes() == b"\x00new"
    assert [p.name for p in tmp_path.iterdir()] == ["table.xlsx"]


def test_atomic_path_error_keeps_old_file_and_removes_temp(tmp_path: Path) -> None:
    target = tmp_path / "table.parquet"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("boom")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["table.parquet"]
