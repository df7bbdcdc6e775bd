"""bench/synth.py: synthetic corpora are deterministic, unique where they must be, and still parse."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import synth  # noqa: E402

from kb.ingest.reader import ingest  # noqa: E402

ARTICLE = """---
title: Adicionar licenças a uma assinatura existente | Partner Center
ms.date: 03/15/2019
ms.assetid: 9264E666-97F8-48D1-8C00-EDC2927A8107
ms.contentlocale: pt-BR
---
# <a name="add-licenses"></a>Adicionar licenças a uma assinatura

**Aplica-se a**

-   Partner Center operado pela 21Vianet
-   Partner Center para Microsoft Cloud Germany

Consulte [Alternar para o Office 365](https://go.microsoft.com/fwlink/p/?LinkId=723577) e `Get-Item 42`.

1. Primeiro passo com 30 dias de prazo.
2. Veja [outro artigo](other-article.md#section-2).

<table><tr><td width="50%">Office 365 Business</td></tr></table>

> [!NOTE]
> Assinaturas anuais permitem 12 meses de uso.

```powershell
Get-Subscription -Days 365
```
"""


def perturb(copy: int, locale_path: str = "pt-br/pc/a.md", seed: int = 7) -> str:
    return synth.perturb_document(ARTICLE, seed=seed, copy=copy, article="pc/a.md", locale_path=locale_path)


def test_structure_links_code_and_dates_are_kept():
    out = perturb(3)
    for kept in ("ms.date: 03/15/2019", "ms.contentlocale: pt-BR", '<a name="add-licenses"></a>',
                 "(https://go.microsoft.com/fwlink/p/?LinkId=723577)", "`Get-Item 42`", "\n1. ", "\n2. ",
                 "(other-article.md#section-2)", '<td width="50%">', "> [!NOTE]",
                 "```powershell\nGet-Subscription -Days 365\n```",
                 "**Aplica-se a**\n\n-   Partner Center operado pela 21Vianet\n"
                 "-   Partner Center para Microsoft Cloud Germany\n"):
        assert kept in out
    assert out.count("\n") == ARTICLE.count("\n")


def test_assetid_and_numbers_change_per_copy_and_agree_across_locales():
    a, b, other_locale = perturb(1), perturb(2), perturb(1, "ru-ru/pc/a.md")
    ids = {s.split("ms.assetid: ")[1].split("\n")[0] for s in (a, b, other_locale)}
    assert len(ids) == 2 and "9264E666-97F8-48D1-8C00-EDC2927A8107" not in ids
    assert a.split("ms.assetid: ")[1][:36] == other_locale.split("ms.assetid: ")[1][:36]
    numbers = [synth._NUMBER.findall(x.split("Primeiro passo com ")[1][:8])[0] for x in (a, b)]
    assert numbers[0] != "30" or numbers[1] != "30"
    assert all(len(n) == 2 and n[0] != "0" for n in numbers)


def test_same_seed_same_text_other_seed_other_text():
    assert perturb(4) == perturb(4)
    assert perturb(4) != perturb(4, seed=8)


def test_a_generated_corpus_is_reused_and_ingests(corpus_dir, tmp_path):
    folder = synth.generate(2, seed=7, source=corpus_dir, base=tmp_path)
    assert folder == tmp_path / "corpus-x2-seed7"
    stamp = (folder / synth.STAMP).stat().st_mtime_ns
    assert synth.generate(2, seed=7, source=corpus_dir, base=tmp_path) == folder
    assert (folder / synth.STAMP).stat().st_mtime_ns == stamp  # reused, not written again
    corpus = ingest(folder, jobs=2)
    assert len(corpus.documents) == 2 * 744 and corpus.problems == ()
    locales = Counter(d.locale for d in corpus.documents)
    assert locales == {"pt-BR": 372, "ru-RU": 372, "es-ES": 372, "it-IT": 372}
    assert len(corpus.navigation) == 2 * 8  # each copy's TOCs (its breadcrumb/toc.yml files are none)
    by_id = Counter(d.assetid for d in corpus.documents if d.assetid)
    original = Counter(d.assetid for d in ingest(corpus_dir, jobs=2).documents if d.assetid)
    assert sorted(by_id.values()) == sorted(list(original.values()) * 2)
    assert not set(by_id) & set(original)


@pytest.mark.parametrize("scale", [0, -1])
def test_bad_scale_is_refused(scale, capsys, tmp_path):
    """Before the corpus is looked for: refused the same with or without ../shared."""
    assert synth.main(["--scale", str(scale), "--source", str(tmp_path / "absent"), "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == "synth: --scale must be at least 1\n"
    assert sorted(tmp_path.iterdir()) == []


def test_a_missing_source_corpus_is_refused(capsys, tmp_path):
    assert synth.main(["--scale", "2", "--source", str(tmp_path / "absent"), "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"synth: the source corpus '{tmp_path / 'absent'}' is not a folder\n"
    assert sorted(tmp_path.iterdir()) == []
