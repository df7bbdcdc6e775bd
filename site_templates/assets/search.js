// Search page: asks the kb query API (GET /api/search) when the site is served by `kb serve`, and
// says plainly that search needs the API when the site is hosted as static files. No framework.
(function () {
  "use strict";
  const form = document.getElementById("search-form");
  if (!form) return;
  const strings = JSON.parse(document.getElementById("search-strings").textContent);
  const api = form.dataset.api;
  const health = form.dataset.health;
  const base = form.dataset.base || "/";
  const status = document.getElementById("search-status");
  const list = document.getElementById("results");
  const missing = document.getElementById("api-missing");
  const pager = document.getElementById("pager");
  const LIMIT = 10;

  const fmt = (s, values) => s.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
  const isJson = (resp) => (resp.headers.get("content-type") || "").includes("json");
  const siteUrl = (u) => (/^([a-z]+:)?\/\//i.test(u) || u.startsWith("/") ? u : base + u);
  const localeName = (tag) => strings.locale_names[tag] || tag;
  const editionName = (e) => strings.edition_names[e] || e;

  function apiMissing() {
    missing.hidden = false;
    status.textContent = "";
    list.replaceChildren();
    pager.hidden = true;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null && v !== "") node.setAttribute(k, v);
    for (const c of children) node.append(c);
    return node;
  }

  // Snippets may carry highlighting: keep the text and <mark>/<b>/<strong>/<em>, drop any other markup.
  function snippet(html) {
    const out = el("p", { class: "snippet" });
    const doc = new DOMParser().parseFromString(String(html || ""), "text/html");
    (function walk(from, to) {
      for (const node of from.childNodes) {
        if (node.nodeType === Node.TEXT_NODE) to.append(node.textContent);
        else if (node.nodeType === Node.ELEMENT_NODE) {
          const keep = ["MARK", "B", "STRONG", "EM"].includes(node.tagName);
          const target = keep ? to.appendChild(document.createElement("mark")) : to;
          walk(node, target);
        }
      }
    })(doc.body, out);
    return out;
  }

  function readForm() {
    const p = new URLSearchParams(window.location.search);
    form.q.value = p.get("q") || "";
    if (p.has("locale")) form.locale.value = p.get("locale");
    if (p.has("edition")) form.edition.value = p.get("edition");
    return p;
  }

  function pageHref(params, page) {
    const p = new URLSearchParams(params);
    p.set("page", String(page));
    return "?" + p.toString();
  }

  function render(data, params, page) {
    list.replaceChildren();
    const query = data.query || params.get("q");
    const total = data.total || 0;
    const said = total === 1 ? strings.result_one : total ? strings.results : strings.none;
    status.textContent = fmt(said, { total, query });
    for (const r of data.results || []) {
      const title = el("h2", {}, el("a", { href: siteUrl(r.url), lang: r.locale, hreflang: r.locale }, r.title));
      const meta = el("p", { class: "result-meta" },
        [localeName(r.locale), ...(r.editions || []).map(editionName)].join(" · "));
      // A topic the requested locale lacks, shown in a fallback locale: say so plainly.
      if (r.fallback && data.locale) {
        meta.append(" · ", el("strong", { class: "fallback" }, fmt(strings.not_available, { locale: localeName(data.locale) })));
      }
      const item = el("li", { class: "result" }, title, meta, snippet(r.snippet));
      if ((r.translations || []).length) {
        const also = el("p", { class: "also" }, strings.also_in + ": ");
        r.translations.forEach((tr, i) => {
          if (i) also.append(", ");
          // Name the editions when they differ from the result's (a second edition in the same locale).
          const eds = (tr.editions || []).join();
          const label = localeName(tr.locale) + (eds && eds !== (r.editions || []).join() ? " · " + tr.editions.map(editionName).join(", ") : "");
          also.append(el("a", { href: siteUrl(tr.url), hreflang: tr.locale, title: tr.title }, label));
        });
        item.append(also);
      }
      list.append(item);
    }
    if ((data.suggestions || []).length) {
      const p = el("p", { class: "suggest" }, strings.suggest + ": ");
      data.suggestions.forEach((s, i) => {
        if (i) p.append(", ");
        const sp = new URLSearchParams(params);
        sp.set("q", s);
        sp.delete("page");
        p.append(el("a", { href: "?" + sp.toString() }, s));
      });
      list.append(el("li", { class: "result" }, p));
    }
    const prev = document.getElementById("prev");
    const next = document.getElementById("next");
    prev.hidden = page <= 1;
    next.hidden = page * LIMIT >= (data.total || 0);
    prev.href = pageHref(params, page - 1);
    next.href = pageHref(params, page + 1);
    pager.hidden = prev.hidden && next.hidden;
  }

  async function run() {
    const params = readForm();
    const q = (params.get("q") || "").trim();
    if (!q) return;
    const page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
    const qs = new URLSearchParams({ q, limit: String(LIMIT), page: String(page) });
    for (const k of ["locale", "edition"]) if (params.get(k)) qs.set(k, params.get(k));
    status.textContent = strings.loading;
    let resp;
    try {
      resp = await fetch(api + "?" + qs.toString(), { headers: { Accept: "application/json" } });
    } catch (e) {
      apiMissing();
      return;
    }
    if (!isJson(resp)) {
      apiMissing();
      return;
    }
    const data = await resp.json();
    if (!resp.ok) {
      list.replaceChildren();
      status.textContent = strings.error + " " + ((data.error && data.error.message) || resp.status);
      return;
    }
    missing.hidden = true;
    render(data, params, page);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (String(v).trim()) p.set(k, String(v).trim());
    history.pushState(null, "", "?" + p.toString());
    run();
  });
  window.addEventListener("popstate", run);

  // Tell a reader of a static copy at once, before they type.
  fetch(health, { headers: { Accept: "application/json" } })
    .then((resp) => { if (!resp.ok || !isJson(resp)) apiMissing(); })
    .catch(apiMissing);
  readForm();
  run();
})();
