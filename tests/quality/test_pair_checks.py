"""Pairs checked as a whole (kb.quality.pair_checks, kb.quality.untranslated): versions first, editions
summarised, text left untranslated summarised per document, what every language keeps left out."""

from __future__ import annotations

from pathlib import Path

from kb.align.topics import align
from kb.ingest.reader import ingest
from kb.model import Link, Segment, SegmentKind, Severity
from kb.quality.checks import check_corpus, make_context
from kb.quality.pair_checks import check_alignment, check_editions
from kb.quality.segment_checks import named
from kb.quality.untranslated import own_text
from tests.conftest import CONTENT, SEED_PT, SEED_PT_21V


def front(locale: str, handoff: str, source_hash: str) -> str:
    return (
        f"---\ntitle: T {locale}\nms.contentlocale: {locale}\nms.assetid: AAA\n"
        f"ms.openlocfilehash: {source_hash}\nms.lasthandoff: {handoff}\n---\n"
    )


ENGLISH = [
    "This paragraph was never translated and stays in the English of the source article.",
    "Another paragraph of the source that nobody translated for the readers of this page.",
    "Administrators should review the settings of every server before they start the upgrade.",
    "The report lists the users whose accounts were moved to the new pool during the night.",
]


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def test_a_translation_of_another_source_version_is_only_stale(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "es-es/a.md": front("es-ES", "04/23/2019", "new") + "# Renovación\n\nTienes 30 días para renovar.\n",
            "pt-br/a.md": front("pt-BR", "04/23/2019", "new") + "# Renovação\n\nVocê tem 30 dias para renovar.\n",
            # older source: another number, another paragraph; one stale finding and nothing else
            "ru-ru/a.md": front("ru-RU", "03/05/2019", "old")
            + "# Продление\n\nУ вас есть 60 дней.\n\nЕще один абзац старой версии статьи.\n",
        },
    )
    corpus = ingest(tmp_path)
    found = [f for f in check_corpus(corpus, align(corpus.documents)) if f.locale == "ru-RU"]
    assert [f.kind for f in found] == ["stale"]
    assert found[0].message.endswith("(0 block(s) only in es-ES, 1 only in ru-RU)")


def test_a_stale_translation_with_the_same_blocks_says_the_change_is_inside_them(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "es-es/a.md": front("es-ES", "04/23/2019", "new") + "# Renovación\n\nTienes 30 días para renovar.\n",
            "ru-ru/a.md": front("ru-RU", "03/05/2019", "old") + "# Продление\n\nУ вас есть 30 дней на продление.\n",
        },
    )
    corpus = ingest(tmp_path)
    (found,) = [f for f in check_corpus(corpus, align(corpus.documents)) if f.locale == "ru-RU"]
    assert found.kind == "stale"
    assert found.message.endswith("(every block of es-ES has its counterpart: what changed is inside them)")


def test_editions_of_one_locale_give_one_summary() -> None:
    corpus = ingest(CONTENT)
    ctx = make_context(corpus, align(corpus.documents))
    found = list(check_editions(ctx))
    assert [(f.kind, f.path, f.other_path, f.severity) for f in found] == [
        ("edition_difference", SEED_PT_21V, SEED_PT, Severity.INFO)
    ]
    assert list(check_alignment(ctx)) == []  # the seeds' translations align confidently


def test_a_page_left_in_english_is_one_finding_and_quotes_are_no_english(tmp_path: Path) -> None:
    body = "\n\n".join(ENGLISH)
    write(
        tmp_path,
        {
            "es-es/a.md": front("es-ES", "04/23/2019", "h") + "# Título\n\n" + body + "\n",
            "pt-br/a.md": front("pt-BR", "04/23/2019", "h") + "# Título\n\n" + body + "\n",
        },
    )
    corpus = ingest(tmp_path)
    found = [f for f in check_corpus(corpus, align(corpus.documents)) if f.kind == "untranslated"]
    assert sorted(f.locale for f in found) == ["es-ES", "pt-BR"]
    assert all(f.message.startswith("4 segments of this document are left in another language") for f in found)


def test_own_text_leaves_out_what_every_language_keeps() -> None:
    seg = Segment(
        SegmentKind.PARAGRAPH,
        "p[0]",
        'Aparece el mensaje "The user could not be found in the directory" y msRTCSIP-PrimaryUserAddress.',
        code=(),
    )
    assert "could not be found" not in own_text(seg) and "msRTCSIP" not in own_text(seg)
    assert "Aparece el mensaje" in own_text(seg)


def test_a_lexicon_given_to_the_checks_reaches_the_aligner(tmp_path: Path) -> None:
    from kb.quality.context import CheckOptions
    from tests.align.test_segalign import IT_WITHOUT_ANNOUNCEMENT, PT_ANNOUNCED
    from tests.conftest import write_files

    class Counting:
        calls = 0

        def similarity(self, tokens_a, lang_a, tokens_b, lang_b) -> float:  # type: ignore[no-untyped-def]
            Counting.calls += 1
            return 0.5

    # (documents whose structure leaves a gap: the seeds take the diagonal, which asks no lexicon)
    front = "---\ntitle: t\nms.assetid: 1111\nms.contentlocale: {}\n---\n"
    content = write_files(tmp_path, {"pt-br/a.md": front.format("pt-BR") + PT_ANNOUNCED,
                                     "it-it/a.md": front.format("it-IT") + IT_WITHOUT_ANNOUNCEMENT})
    corpus = ingest(content)
    check_corpus(corpus, align(corpus.documents), CheckOptions(lexicon=Counting()))
    assert Counting.calls > 0


LABELS = {
    "es-ES": "Guardar Publicar Editar Aceptar Siguiente Atrás Nombre Página Contenido Encabezado Enlace Texto "
             "Diseño Nivel Destino Fragmentos Revisar Elegir",
    "it-IT": "Salva Pubblica Modifica Accetta Avanti Indietro Nome Pagina Contenuto Intestazione Collegamento Testo "
             "Layout Livello Destinazione Frammenti Verifica Scegli",
}
VERBS = {"es-ES": ("Seleccione", "y después", "Vea"), "it-IT": ("Selezionare", "e poi", "Vedere")}


def steps(locale: str, links: list[str]) -> str:
    """A page of steps naming the interface's (capitalised, translated) labels, and linking pages."""
    pick, then, see = VERBS[locale]
    labels = LABELS[locale].split()
    items = [f"{n + 1}. {pick} **{labels[2 * n]}** {then} **{labels[2 * n + 1]}**." for n in range(9)]
    items += [f"{n + 10}. {see} [{target}]({target})." for n, target in enumerate(links)]
    return "# Title\n\n" + "\n".join(items) + "\n"


def test_translations_of_one_source_whose_interface_labels_differ_are_compared(tmp_path: Path) -> None:
    # Found on Dynamics 365 Commerce articles: their links and images are the same, but the bold labels
    # of the interface are capitalised words, translated; counted as names, they made two translations
    # of one source version look like two texts ("only 100% of the text could be paired").
    links = ["a.md", "b.md", "c.md", "d.md", "e.md", "f.png"]
    write(tmp_path, {f"{loc.lower()}/x.md": front(loc, "07/11/2022", "same") + steps(loc, links) for loc in LABELS})
    corpus = ingest(tmp_path)
    ctx = make_context(corpus, align(corpus.documents))
    assert list(check_alignment(ctx)) == []
    # without the source hash, links, images and numbers decide before names do
    write(tmp_path, {f"{loc.lower()}/x.md": front(loc, "07/11/2022", "") + steps(loc, links) for loc in LABELS})
    corpus = ingest(tmp_path)
    assert list(check_alignment(make_context(corpus, align(corpus.documents)))) == []


def test_two_texts_grouped_as_one_topic_are_not_compared_and_told_why(tmp_path: Path) -> None:
    # (no source hash; one asset id, which a copied article keeps, grouped them)
    write(tmp_path, {
        "es-es/x.md": front("es-ES", "07/11/2022", "") + steps("es-ES", ["a.md", "b.md", "c.md", "d.md", "e.md"]),
        "it-it/x.md": front("it-IT", "07/11/2022", "") + steps("it-IT", ["p.md", "q.md", "r.md", "s.md", "t.md"]),
    })
    corpus = ingest(tmp_path)
    found = list(check_alignment(make_context(corpus, align(corpus.documents))))
    assert [(f.kind, f.path) for f in found] == [("alignment_uncertain", "it-it/x.md")]
    assert found[0].message == (
        "it shares only 0% of what translations write alike (links, numbers, code, names) with es-ES "
        "(es-es/x.md), so it may not be a translation of the same text: its content was not compared, "
        "review it against the reference by hand")


def test_a_link_mismatch_names_the_target_as_written(tmp_path: Path) -> None:
    """Compared lower-cased and decoded, but named as the translator finds it in the file."""
    write(
        tmp_path,
        {
            "es-es/a.md": front("es-ES", "04/23/2019", "new") + "# Roles\n\nVea [DBCC](../t-sql/DBCC-Traceon.md).\n",
            "ru-ru/a.md": front("ru-RU", "04/23/2019", "new")
            + "# Роли\n\nСм. [DBCC](../t-sql/DBCC-Traceon.md) и [флаги](../Topic/Trace%20Flags%20(Transact-SQL).md).\n",
        },
    )
    corpus = ingest(tmp_path)
    (found,) = [f for f in check_corpus(corpus, align(corpus.documents)) if f.kind == "link_mismatch"]
    assert found.locale == "ru-RU"
    assert found.message.endswith("has the link(s) to ../Topic/Trace%20Flags%20(Transact-SQL).md that es-ES lacks")


def test_a_segment_without_words_is_named_by_the_image_it_shows() -> None:
    # Azure's pt-BR paragraph that is an image alone was quoted as “”, naming nothing.
    def seg(text: str, *links: Link) -> Segment:
        return Segment(SegmentKind.PARAGRAPH, "p[0]", text, links=links, line=1)

    image = Link("media/settings.png", "Configurações do projeto", "image")
    assert named(seg("Defina os direitos de acesso.")) == "the paragraph “Defina os direitos de acesso.”"
    assert named(seg("", image)) == "the paragraph showing only the image “Configurações do projeto”"
    assert named(seg(" ", Link("media/x.png", "", "image"))) == "the paragraph showing only the image “media/x.png”"
    assert named(seg("")) == "the paragraph without text"


USERS = {  # a Learn article in its source language and two translations, one of them German
    "en-us/users.md": ("Manage users", "To add a user, sign in to Partner Center and open **Settings**. Select "
                       "**User management**, then select **Add user**. Enter the name and assign a role.\n\n"
                       "You can change the roles of a user at any time. Select **Save**: the changes take effect "
                       "within 15 minutes.\n\nWhen an employee leaves, select **Remove user**."),
    "de-de/users.md": ("Verwalten von Benutzern", "Um einen Benutzer hinzuzufügen, melden Sie sich beim Partner "
                       "Center an und öffnen **Einstellungen**. Wählen Sie **Benutzerverwaltung** und dann "
                       "**Benutzer hinzufügen** aus. Geben Sie den Namen ein, und weisen Sie eine Rolle zu.\n\n"
                       "Sie können die Rollen eines Benutzers jederzeit ändern. Wählen Sie **Speichern**: die "
                       "Änderungen werden innerhalb von 15 Minuten wirksam.\n\nWenn ein Mitarbeiter geht, "
                       "wählen Sie **Benutzer entfernen**."),
    "fr-fr/users.md": ("Gérer les utilisateurs", "Pour ajouter un utilisateur, connectez-vous à l'Espace partenaires "
                       "et ouvrez **Paramètres**. Sélectionnez **Gestion des utilisateurs**, puis **Ajouter un "
                       "utilisateur**. Entrez le nom et attribuez un rôle.\n\nVous pouvez modifier les rôles d'un "
                       "utilisateur à tout moment. Sélectionnez **Enregistrer** : les modifications prennent effet "
                       "dans les 15 minutes.\n\nQuand un employé part, sélectionnez **Supprimer l'utilisateur**."),
}


def test_the_english_source_is_the_reference_and_german_nouns_are_no_names(tmp_path: Path) -> None:
    write(tmp_path, {path: f"---\ntitle: {title}\nms.assetid: BBB\n---\n# {title}\n\n{body}\n"
                     for path, (title, body) in USERS.items()})
    corpus = ingest(tmp_path)
    ctx = make_context(corpus, align(corpus.documents))
    assert sorted((p.a.locale, p.b.locale) for p in ctx.pairs) == [("en-US", "de-DE"), ("en-US", "fr-FR")]
    assert list(check_alignment(ctx)) == []
