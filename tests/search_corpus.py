"""A small four-language content folder for the search and API tests, written by the tests themselves.

Topics: "cancel a subscription" (assetid 1111…, four locales), "Azure billing in CSP" (2222…, four
locales), the 21Vianet edition of "cancel a subscription" (pt-BR and ru-RU, no assetid), and twelve
Portuguese-only "usage report" articles for pagination.
"""

from __future__ import annotations

from pathlib import Path

CANCEL = "11111111-1111-1111-1111-111111111111"
BILLING = "22222222-2222-2222-2222-222222222222"
REPORTS = 12


def _doc(title: str, assetid: str | None, applies: str, applies_label: str, body: str) -> str:
    asset = f"ms.assetid: {assetid}\n" if assetid else ""
    return (f"---\ntitle: \"{title}\"\n{asset}ms.date: 03/01/2019\n---\n"
            f"# {title.split(' | ')[0]}\n\n**{applies_label}**\n\n-   {applies}\n\n{body}\n")


DOCS: dict[str, str] = {
    "pt-br/cancel-subscription.md": _doc(
        "Cancelar uma assinatura | Partner Center", CANCEL, "Partner Center", "Aplica-se a",
        "Você pode cancelar as assinaturas de um cliente no Partner Center. Antes de cancelar, verifique "
        "o faturamento.\n\n## Configurações da assinatura\n\nAbra as configurações da assinatura e "
        "selecione **Cancelar**. Termos & condições se aplicam.",
    ),
    "ru-ru/cancel-subscription.md": _doc(
        "Отмена подписки | Центр партнеров", CANCEL, "Центр партнеров", "Область применения",
        "Вы можете отменить подписки клиента в Центре партнеров. Перед отменой проверьте счёт клиента."
        "\n\n## Параметры подписки\n\nОткройте параметры подписки и выберите **Отменить**.",
    ),
    "es-es/cancel-subscription.md": _doc(
        "Cancelar una suscripción | Centro de partners", CANCEL, "Centro de partners", "Se aplica a",
        "Puede cancelar las suscripciones de un cliente en el Centro de partners. Antes de cancelar, revise "
        "la facturación.\n\n## Configuración de la suscripción\n\nAbra la configuración de la suscripción y "
        "seleccione **Cancelar**.",
    ),
    "it-it/cancel-subscription.md": _doc(
        "Annullare un abbonamento | Centro per i partner", CANCEL, "Centro per i partner", "Si applica a",
        "È possibile annullare gli abbonamenti di un cliente nel Centro per i partner. Prima di annullare, "
        "controllare la fatturazione.\n\n## Impostazioni dell'abbonamento\n\nAprire le impostazioni "
        "dell'abbonamento e selezionare **Annulla**.",
    ),
    "pt-br/azure-billing.md": _doc(
        "Faturamento do Azure no programa CSP | Partner Center", BILLING, "Partner Center", "Aplica-se a",
        "Parceiros CSP recebem uma fatura mensal do Azure. Clientes com contrato EA não podem migrar para o "
        "CSP sem um novo contrato.",
    ),
    "ru-ru/azure-billing.md": _doc(
        "Выставление счетов Azure в программе CSP | Центр партнеров", BILLING, "Центр партнеров",
        "Область применения",
        "Партнеры CSP получают ежемесячный счет за Azure. Клиенты с соглашением EA не могут перейти в CSP "
        "без нового соглашения.",
    ),
    "es-es/azure-billing.md": _doc(
        "Facturación de Azure en el programa CSP | Centro de partners", BILLING, "Centro de partners",
        "Se aplica a",
        "Los partners CSP reciben una factura mensual de Azure. Los clientes con un contrato EA no pueden "
        "migrar a CSP sin un nuevo contrato.",
    ),
    "it-it/azure-billing.md": _doc(
        "Fatturazione di Azure nel programma CSP | Centro per i partner", BILLING, "Centro per i partner",
        "Si applica a",
        "I partner CSP ricevono una fattura mensile di Azure. I clienti con un contratto EA non possono "
        "passare a CSP senza un nuovo contratto.",
    ),
    "pt-br/Archive/China-cancel-subscription.md": _doc(
        "Cancelar uma assinatura (operado pela 21Vianet) | Partner Center", None,
        "Partner Center operado pela 21Vianet", "Aplica-se a",
        "No Partner Center operado pela 21Vianet, você pode cancelar assinaturas mensais de clientes.",
    ),
    "ru-ru/Archive/China-cancel-subscription.md": _doc(
        "Отмена подписки (под управлением 21Vianet) | Центр партнеров", None,
        "Центр партнеров под управлением 21Vianet", "Область применения",
        "В Центре партнеров под управлением 21Vianet можно отменить ежемесячные подписки клиентов.",
    ),
}
for _i in range(1, REPORTS + 1):
    DOCS[f"pt-br/reports/report-{_i:02d}.md"] = _doc(
        f"Relatório de uso {_i:02d} | Partner Center", f"33333333-0000-0000-0000-{_i:012d}", "Partner Center",
        "Aplica-se a", "Este relatório mostra o uso mensal. " + "Relatório detalhado. " * _i,
    )


def write_corpus(root: Path) -> Path:
    """Write the documents under ``root`` and return it."""
    for rel, text in DOCS.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def published_build(root: Path) -> Path:
    """``root/out``: a build folder with one published release (an index, an empty site) of the corpus
    :func:`write_corpus` writes under ``root/content``, served from ``/docs/``."""
    from kb.align.topics import align
    from kb.build.releases import publish
    from kb.ingest.reader import ingest
    from kb.output.options import BuildOptions
    from kb.search.index import write_index

    corpus = ingest(write_corpus(root / "content"), jobs=1)
    release = root / "out" / "releases" / "one"
    write_index(release / "index", corpus, align(corpus.documents), BuildOptions(jobs=1, base_url="/docs/"))
    (release / "site").mkdir()
    publish(root / "out", release)
    return root / "out"
