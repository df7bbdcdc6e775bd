"""A small content folder in five languages beyond kb's four (Japanese, Chinese, Korean, German, French),
written by the tests: two Partner Center articles each, one topic per article (tests/search/test_other_languages.py,
tests/e2e/test_languages_browser.py)."""

from __future__ import annotations

from pathlib import Path

PASSWORD = "33333333-3333-3333-3333-333333333333"
INVOICE = "44444444-4444-4444-4444-444444444444"
NAMES = (("password", PASSWORD), ("invoice", INVOICE))

ARTICLES = {
    # locale: (password article title, its text), (invoice article title, its text)
    "ja-jp": (("パスワードをリセットする", "パートナー センターでパスワードをリセットできます。設定を開き、"
                                    "**パスワードの変更**を選択します。"),
              ("請求書を表示する", "毎月の請求書はパートナー センターの[請求]ページに表示されます。")),
    "zh-cn": (("重置密码", "你可以在合作伙伴中心重置密码。打开设置并选择**更改密码**。"),
              ("查看发票", "每月的发票显示在合作伙伴中心的[账单]页面上。")),
    "ko-kr": (("비밀번호 재설정", "파트너 센터에서 비밀번호를 재설정할 수 있습니다. 설정을 열고 "
                                "**비밀번호 변경**을 선택합니다."),
              ("청구서 보기", "월별 청구서는 파트너 센터의 [청구] 페이지에 표시됩니다.")),
    "de-de": (("Kennwort zurücksetzen", "Sie können Ihr Kennwort im Partner Center zurücksetzen. Öffnen Sie die "
                                      "Einstellungen und wählen Sie **Kennwort ändern**."),
              ("Rechnungen anzeigen", "Monatliche Rechnungen werden im Partner Center auf der Seite "
                                    "[Abrechnung] angezeigt.")),
    "fr-fr": (("Réinitialiser le mot de passe", "Vous pouvez réinitialiser votre mot de passe dans l'Espace "
                                               "partenaires. Ouvrez les paramètres et choisissez **Modifier**."),
              ("Afficher les factures", "Les factures mensuelles sont affichées dans l'Espace partenaires, "
                                       "page [Facturation].")),
}


def write_corpus(root: Path) -> Path:
    for locale, articles in ARTICLES.items():
        for (title, text), (name, assetid) in zip(articles, NAMES, strict=True):
            path = root / locale / f"{name}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"---\ntitle: {title}\nms.assetid: {assetid}\n---\n# {title}\n\n{text}\n",
                            encoding="utf-8")
    return root
