"""kb.search.layout: what an index folder holds, as its writer and readers name it."""

from __future__ import annotations

import pytest

from kb.search.layout import CATALOG, STORE, VOCABULARY, field_name, is_whoosh_file


@pytest.mark.parametrize("name", [CATALOG, VOCABULARY, STORE.format(0), STORE.format(12)])
def test_kbs_own_files_are_not_whooshs(name: str) -> None:
    assert not is_whoosh_file(name)


@pytest.mark.parametrize("name", ["_MAIN_1.toc", "MAIN_abc123.seg", "MAIN_WRITELOCK", "documents.txt"])
def test_every_other_file_is_whooshs(name: str) -> None:
    assert is_whoosh_file(name)


def test_field_names_join_the_field_and_the_analysis_key() -> None:
    assert field_name("body", "pt") == "body_pt"
