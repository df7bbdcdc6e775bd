"""kb.site.files: a file is written only when its bytes change, and stale files go with the folders they
leave empty."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kb.site.files import remove_stale, write_if_changed


def test_a_file_is_written_only_when_its_bytes_change(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "index.html"
    assert write_if_changed(path, b"one")
    os.utime(path, ns=(1, 1))
    assert not write_if_changed(path, b"one")
    assert path.stat().st_mtime_ns == 1
    assert write_if_changed(path, b"two!") and path.read_bytes() == b"two!"
    assert sorted(p.name for p in path.parent.iterdir()) == ["index.html"]  # no temporary file left


def test_a_file_shared_by_a_hard_link_is_replaced_not_written_through(tmp_path: Path) -> None:
    kept, path = tmp_path / "previous.html", tmp_path / "index.html"
    kept.write_bytes(b"old")
    os.link(kept, path)
    assert write_if_changed(path, b"new")
    assert kept.read_bytes() == b"old" and path.read_bytes() == b"new"


def test_stale_files_go_with_the_folders_they_leave_empty(tmp_path: Path) -> None:
    dest = tmp_path / "site"
    for rel in ("x/y/gone.html", "x/kept.html", "z/gone.html"):
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_text(rel, encoding="utf-8")
    remove_stale(dest, ["x/y/gone.html", "z/gone.html", "never/there.html"])
    left = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*"))
    assert left == ["x", "x/kept.html"]


def test_a_new_file_gets_its_folders_and_the_modes_open_gives(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        path = tmp_path / "pt-br" / "compare" / "t" / "a..b" / "index.html"
        assert write_if_changed(path, b"x" * 70_000)
        assert path.read_bytes() == b"x" * 70_000
        plain = tmp_path / "plain.html"
        plain.write_bytes(b"")
        assert path.stat().st_mode == plain.stat().st_mode == 0o100644
    finally:
        os.umask(umask)


def test_a_folder_where_a_page_goes_is_refused_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "index.html").mkdir()
    with pytest.raises(IsADirectoryError):
        write_if_changed(tmp_path / "index.html", b"page")
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]  # and no temporary file left
    assert (tmp_path / "index.html").is_dir()
