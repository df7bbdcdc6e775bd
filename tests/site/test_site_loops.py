"""kb.site.loops writes the very bytes of the Jinja loops it replaced in ``compare.html`` and
``partials/_findings.html`` (commit 782b394), and of the breadcrumbs and switcher macros of
``partials/_chrome.html``: the reference loops and macros are kept here, rendered with the
site's own Jinja environment, and both paths must agree on rows and findings with every branch and
every character autoescape rewrites."""

from __future__ import annotations

import pytest

from kb.model import Finding, Severity
from kb.site.data import Strings
from kb.site.loops import breadcrumbs_html, compare_rows_html, findings_html, switchers_html
from kb.site.templates import environment
from kb.site.views import Chrome, CompareRow, Nav

ROWS_LOOP = """  <tbody>
    {% for row in rows %}
    <tr class="row-{{ row.status }}">
      <td data-side="A" lang="{{ lang_a }}">
        {% for path, text in row.a %}<p><span class="seg-path">{{ path }}</span> {{ text }}</p>{% endfor %}
        {% if not row.a %}<p class="gap" lang="{{ page_lang }}">{{ t.fmt("only_in_side", side="B") }}</p>{% endif %}
      </td>
      <td data-side="B" lang="{{ lang_b }}">
        {% for path, text in row.b %}<p><span class="seg-path">{{ path }}</span> {{ text }}</p>{% endfor %}
        {% if not row.b %}<p class="gap" lang="{{ page_lang }}">{{ t.fmt("only_in_side", side="A") }}</p>{% endif %}
      </td>
      <td class="score">{% if row.status == "matched" %}{{ "%.0f" | format(row.score * 100) }}%\
{% else %}—{% endif %}</td>
    </tr>
    {% endfor %}
  </tbody>"""
ROWS_NOW = """  <tbody>
{# one <tr> per row of aligned segments #}
{{ rows_html }}  </tbody>"""

FINDINGS_LOOP = """  <ul class="findings-list">
    {% for f in findings %}
    <li class="finding finding-{{ f.severity.value }}" data-kind="{{ f.kind }}" data-path="{{ f.path }}"\
{% if f.segment %} data-segment="{{ f.segment }}"{% endif %}>
      <span class="badge">{{ t.severity_names[f.severity.value] }}</span>
      <code>{{ f.kind }}</code>
      <span class="note">{{ f.locale }} · <code>{{ f.path }}</code>{% if f.segment %} › <code>{{ f.segment }}</code>\
{% endif %}{% if f.line %} ({{ t.fmt("line_n", n=f.line) }}){% endif %}</span>
      <span class="finding-message">{{ f.message }}</span>
    </li>
    {% endfor %}
  </ul>"""
FINDINGS_NOW = """  <ul class="findings-list">
{# one <li> per finding #}
{{ findings_html }}  </ul>"""

HOSTILE = "<b>\"Q&A\"</b> it's 5 > 3 & 2 < 4"

ROWS = [
    CompareRow((("p[1]", "Olá, mundo"),), (("p[1]", "Привет, мир"),), 0.8749, "matched"),
    CompareRow((("table[0]/tr[1]/td[0]", HOSTILE), ("p[2]", "dois")), (("p[2]", "два"),), 0.5, "matched"),
    CompareRow((("h2[3]", "Só aqui"),), (), 0.0, "only-a"),
    CompareRow((), (("li[4]", HOSTILE),), 0.0, "only-b"),
]


def finding(**changes: object) -> Finding:
    values: dict[str, object] = {
        "kind": "missing_segment", "severity": Severity.WARNING, "topic": "t", "locale": "ru-RU",
        "other_locale": "pt-BR", "path": "ru-ru/a.md", "other_path": "pt-br/a.md", "segment": "p[3]",
        "other_segment": None, "line": 12, "message": HOSTILE,
    }
    values.update(changes)
    return Finding(**values)  # type: ignore[arg-type]


FINDINGS = [
    finding(),
    finding(severity=Severity.ERROR, segment=None, line=None, path="a&b <c>.md"),
    finding(severity=Severity.INFO, kind="stale", line=None, segment="table[0]/tr[1]/td[\"x\"]"),
]


@pytest.mark.parametrize("lang", ["pt-BR", "ru-RU", "es-ES", "it-IT"])
def test_compare_rows_are_the_template_loops_bytes(lang: str) -> None:
    t = Strings(lang)
    values = {"rows": ROWS, "lang_a": "pt-BR", "lang_b": "ru-RU", "page_lang": lang, "t": t}
    loop = environment().from_string(ROWS_LOOP).render(**values)
    now = environment().from_string(ROWS_NOW).render(
        rows_html=compare_rows_html(ROWS, "pt-BR", "ru-RU", lang, t), **values
    )
    assert now == loop
    assert "&lt;b&gt;&#34;Q&amp;A&#34;&lt;/b&gt; it&#39;s" in now and "87%" in now and "—" in now


@pytest.mark.parametrize("lang", ["pt-BR", "ru-RU", "es-ES", "it-IT"])
def test_findings_are_the_template_loops_bytes(lang: str) -> None:
    t = Strings(lang)
    loop = environment().from_string(FINDINGS_LOOP).render(findings=FINDINGS, t=t)
    now = environment().from_string(FINDINGS_NOW).render(findings_html=findings_html(FINDINGS, t), t=t)
    assert now == loop
    assert now.count("<li ") == 3 and 'data-segment="table[0]/tr[1]/td[&#34;x&#34;]"' in now


def test_no_rows_and_no_findings_write_nothing() -> None:
    t = Strings("pt-BR")
    assert compare_rows_html([], "pt-BR", "ru-RU", "pt-BR", t) == "" and findings_html([], t) == ""


def test_compare_rows_made_once_for_every_locale_are_the_same_bytes() -> None:
    """kb.site.templates.compare_rows_text makes a pair's rows once with holes for the interface text
    (a pair's page exists in every locale): each locale's rows are compare_rows_html's bytes."""
    from conftest import CONTENT

    from kb.align.topics import align
    from kb.ingest.reader import ingest
    from kb.site.data import Strings
    from kb.site.loops import compare_rows_html
    from kb.site.templates import compare_rows, compare_rows_text

    (topic,) = align(ingest(CONTENT).documents).topics
    docs = [m.document for m in topic.members]
    for a, b in zip(docs, docs[1:] + docs[:1], strict=True):
        rows = compare_rows(a, b)
        for lang in ("pt-BR", "ru-RU", "es-ES", "it-IT"):
            t = Strings(lang)
            made = compare_rows_text(a, b, lang, t)
            assert made[0] is (rows is not None)
            assert str(made[1]) == str(compare_rows_html(rows or (), a.locale, b.locale, lang, t))


CHROME_MACROS = """{% macro breadcrumbs(chrome, t) -%}
{% if chrome.breadcrumbs %}
<nav class="breadcrumbs" aria-label="{{ t.breadcrumbs }}">
  <ol>
    {% for crumb in chrome.breadcrumbs %}
    <li>
      {%- if crumb.current -%}
      <span aria-current="page"{% if crumb.lang %} lang="{{ crumb.lang }}"{% endif %}>{{ crumb.label }}</span>
      {%- elif crumb.href -%}
      <a href="{{ crumb.href }}"{% if crumb.lang %} lang="{{ crumb.lang }}"{% endif %}>{{ crumb.label }}</a>
      {%- else -%}
      <span{% if crumb.lang %} lang="{{ crumb.lang }}"{% endif %}>{{ crumb.label }}</span>
      {%- endif -%}
    </li>
    {% endfor %}
  </ol>
</nav>
{% endif %}
{%- endmacro %}
{% macro switch_item(item, label_lang, chrome, t) -%}
{%- if item.current -%}
<a class="switch current" href="{{ item.href }}" aria-current="page"><span{% if item.lang %} lang="{{ item.lang }}"\
{% endif %}>{{ item.label }}</span></a>
{%- elif item.href -%}
<a class="switch" href="{{ item.href }}"{% if item.lang and item.lang != chrome.lang %} hreflang="{{ item.lang }}"\
{% endif %}><span{% if label_lang and item.lang %} lang="{{ item.lang }}"{% endif %}>{{ item.label }}</span>\
{% if item.note %} <span class="note">({{ item.note }})</span>{% endif %}</a>
{%- else -%}
<span class="switch unavailable"><span{% if label_lang and item.lang %} lang="{{ item.lang }}"{% endif %}>\
{{ item.label }}</span> <span class="note">({{ item.note or t.unavailable }})</span></span>
{%- endif -%}
{%- endmacro %}
{% macro switcher(items, kind, title, label_lang, chrome, t) -%}
{% if items %}
<nav class="switcher switcher-{{ kind }}" aria-labelledby="switch-{{ kind }}">
  <h2 id="switch-{{ kind }}" class="switcher-title">{{ title }}</h2>
  <ul>
    {% for item in items %}
    <li>{{ switch_item(item, label_lang, chrome, t) }}</li>
    {% endfor %}
  </ul>
</nav>
{% endif %}
{%- endmacro %}
"""
CHROME_MACRO_CALLS = CHROME_MACROS + """<div class="wrap page">
  {{ breadcrumbs(chrome, t) }}
  {% if chrome.languages or chrome.editions %}
  <div class="switchers">
    {{ switcher(chrome.languages, "languages", t.language, true, chrome, t) }}
    {{ switcher(chrome.editions, "editions", t.edition, false, chrome, t) }}
  </div>
  {% endif %}
  <main>"""
CHROME_NOW = """<div class="wrap page">
  {{ crumbs }}
  {% block tools %}
{{ switchers -}}
  {% endblock %}
  <main>"""

CHROMES = [
    Chrome("pt-BR", "t"),
    Chrome("ru-RU", "t", breadcrumbs=(Nav("Início", "/pt-br/"), Nav(HOSTILE, None, "es-ES"),
                                      Nav("Aqui", "/x/", "pt-BR", current=True), Nav("Sem língua", None))),
    Chrome("es-ES", "t", languages=(Nav("Português", "/pt-br/a/", "pt-BR", current=True),
                                    Nav("Русский", "/ru-ru/a/", "ru-RU", note=HOSTILE),
                                    Nav("Español", "/es-es/a/", "es-ES"),
                                    Nav("Italiano", None, "it-IT"), Nav("Outra", None, "it-IT", note="não há"))),
    Chrome("it-IT", "t", breadcrumbs=(Nav("Home", "/"),),
           editions=(Nav("Global", "/g/", current=True), Nav("21Vianet", "/v/", "zh-CN", note="pt-BR"),
                     Nav("Nenhuma", None))),
]


@pytest.mark.parametrize("chrome", CHROMES, ids=lambda c: c.lang)
def test_breadcrumbs_and_switchers_are_the_macros_bytes(chrome: Chrome) -> None:
    t = Strings(chrome.lang)
    macros = environment().from_string(CHROME_MACRO_CALLS).render(chrome=chrome, t=t)
    now = environment().from_string(CHROME_NOW).render(
        crumbs=breadcrumbs_html(chrome, t), switchers=switchers_html(chrome, t)
    )
    assert now == macros
    assert HOSTILE not in now
    assert ("&lt;b&gt;&#34;Q&amp;A&#34;&lt;/b&gt;" in now) is (chrome.lang in ("ru-RU", "es-ES"))


@pytest.mark.parametrize("value", [HOSTILE, "", "plain words", "&&<<>>\"\"''", "Привет & «мир»", 42])
def test_escape_writes_what_autoescape_writes_with_or_without_markupsafe_speedups(value: object) -> None:
    from markupsafe import escape as markupsafe_escape

    from kb.site.loops import _replace, escape

    assert escape(value) == _replace(str(value)) == str(markupsafe_escape(value))
