"""Twenty support questions on the dev corpus, five per language, phrased as a customer would ask
them (not article titles): each must find its intended article among the first three results, both
with the question's locale given and with ``locale=auto``."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.align.topics import align
from kb.model import Corpus
from kb.output.options import BuildOptions
from kb.search.index import write_index
from kb.search.query import search

# (locale, the customer's question, the article that answers it, relative to the corpus root)
QUESTIONS: list[tuple[str, str, str]] = [
    ("pt-BR", "Recebi uma senha temporária e preciso trocar por uma nova",
     "pt-br/partner-center/change-your-temporary-password.md"),
    ("pt-BR", "como faço para cancelar a assinatura de um cliente",
     "pt-br/partner-center/create-a-new-subscription.md"),
    ("pt-BR", "o cliente quer passar as assinaturas do Azure para outro parceiro",
     "pt-br/partner-center/switch-azure-subscriptions-to-a-different-partner.md"),
    ("pt-BR", "minha empresa é isenta de impostos, como informo isso?",
     "pt-br/partner-center/tax-and-tax-exemptions.md"),
    ("pt-BR", "um usuário esqueceu a senha, como redefinir?",
     "pt-br/partner-center/reset-a-user-password.md"),
    ("ru-RU", "как добавить нового клиента",
     "ru-ru/partner-center/add-a-new-customer.md"),
    ("ru-RU", "нужно включить многофакторную проверку подлинности",
     "ru-ru/partner-center/enable-mfa.md"),
    ("ru-RU", "не понимаю свой счет, как его читать",
     "ru-ru/partner-center/read-your-bill.md"),
    ("ru-RU", "как назначить лицензии сразу нескольким пользователям",
     "ru-ru/partner-center/bulk-license-provisioning-for-multiple-users.md"),
    ("ru-RU", "учетную запись партнера заблокировали, как ее восстановить",
     "ru-ru/partner-center/suspended-partner-center-account.md"),
    ("es-ES", "¿cómo compro reservas de Azure para mi cliente?",
     "es-es/partner-center/azure-reservations-buying.md"),
    ("es-ES", "quiero poner un límite de gasto de Azure a un cliente",
     "es-es/partner-center/set-an-azure-spending-budget-for-your-customers.md"),
    ("es-ES", "¿cómo solicito a un cliente que me acepte como revendedor?",
     "es-es/partner-center/request-a-relationship-with-a-customer.md"),
    ("es-ES", "necesito saber el dominio y el id de directorio de mi cliente",
     "es-es/partner-center/find-customer-domain-name.md"),
    ("es-ES", "¿para qué sirven los archivos de conciliación de la factura?",
     "es-es/partner-center/use-the-reconciliation-files.md"),
    ("it-IT", "come posso aggiungere tanti utenti insieme all'account di un cliente",
     "it-it/partner-center/adding-multiple-users-to-a-customer-account.md"),
    ("it-IT", "devo segnalare un problema a Microsoft al posto del mio cliente",
     "it-it/partner-center/report-problems-on-behalf-of-a-customer.md"),
    ("it-IT", "come controllo se i servizi funzionano o sono in errore",
     "it-it/partner-center/check-service-health.md"),
    ("it-IT", "vorrei togliere la relazione con un rivenditore",
     "it-it/partner-center/remove-a-relationship.md"),
    ("it-IT", "come faccio a far provare ai clienti i prodotti Microsoft gratis",
     "it-it/partner-center/offer-your-customers-trials-of-microsoft-products.md"),
]


@pytest.fixture(scope="module")
def dev_index(dev_corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("dev-index") / "index"
    write_index(dest, dev_corpus, align(dev_corpus.documents), BuildOptions(jobs=2))
    return dest


def test_five_questions_per_language() -> None:
    locales = ("pt-BR", "ru-RU", "es-ES", "it-IT")
    per_locale = {loc: sum(1 for q in QUESTIONS if q[0] == loc) for loc in locales}
    assert per_locale == {"pt-BR": 5, "ru-RU": 5, "es-ES": 5, "it-IT": 5}
    assert len({article for _, _, article in QUESTIONS}) == 20


@pytest.mark.parametrize(("locale", "question", "article"), QUESTIONS,
                         ids=[q[2].split("/")[-1] for q in QUESTIONS])
def test_question_finds_its_article_in_the_top_3(dev_index: Path, dev_corpus: Corpus, locale: str,
                                                 question: str, article: str) -> None:
    assert any(d.path == article for d in dev_corpus.documents), f"{article} is not in the dev corpus"
    for requested in (locale, "auto"):
        result = search(dev_index, question, locale=requested, limit=3)
        assert result.locale == locale
        top = [hit.path for hit in result.results]
        assert article in top, f"{question!r} ({requested}): top 3 are {top}"
