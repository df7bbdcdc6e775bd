// Search page: asks the kb query API (GET /api/search) when `kb serve` answers, else the Pagefind
// bundle `kb build` writes into the site (/pagefind/, one index per locale): a static host searches
// too. Both give the same result layout. Results come as you type (debounced); "/" focuses the box.
// Works at any URL: everything it needs is in the form's data attributes. No framework.
(function () {
  "use strict";
  const form = document.getElementById("search-form");
  if (!form) return;
  const strings = JSON.parse(document.getElementById("search-strings").textContent);
  const { api, health } = form.dataset;
  const base = form.dataset.base || "/";
  const bundle = form.dataset.bundle || base + "pagefind/";
  const status = document.getElementById("search-status");
  const suggestBox = document.getElementById("suggest");
  const list = document.getElementById("results");
  const missing = document.getElementById("api-missing");
  const pager = document.getElementById("pager");
  const LIMIT = 10;
  const DEBOUNCE_MS = 250;

  const fmt = (s, values) => s.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
  const isJson = (resp) => (resp.headers.get("content-type") || "").includes("json");
  const siteUrl = (u) => (/^([a-z]+:)?\/\//i.test(u) || u.startsWith("/") ? u : base + u);
  const localeName = (tag) => strings.locale_names[tag] || tag;
  const editionName = (e) => strings.edition_names[e] || e;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null && v !== "") node.setAttribute(k, v);
    for (const c of children) node.append(c);
    return node;
  }

  // --- the two backends: each answers {query, total, results, suggestions, counts} ---------------

  async function apiSearch(p) {
    const qs = new URLSearchParams({ q: p.q, limit: String(LIMIT), page: String(p.page) });
    for (const k of ["locale", "edition"]) if (p[k]) qs.set(k, p[k]);
    const resp = await fetch(api + "?" + qs.toString(), { headers: { Accept: "application/json" } });
    const data = await resp.json();
    if (!resp.ok) throw new Error((data.error && data.error.message) || String(resp.status));
    return { ...data, counts: data.facets || null };
  }

  // Pagefind loads the index of the page's <html lang>; the other locales' indexes are merged in, so
  // the locale filter (and "all languages") works as with the API. Pagefind counts each filter value.
  async function pagefindBackend() {
    const pagefind = await import(new URL(bundle + "pagefind.js", window.location.href).href);
    const entry = await (await fetch(bundle + "pagefind-entry.json")).json();
    const langs = Object.keys(entry.languages);
    // The index Pagefind takes for the page (its own rule): the page's language, else its base
    // language, else the largest index. The others are merged in, by a path of the same bundle that
    // Pagefind does not take for the primary's (it skips a merge of the primary's own path).
    const own = (document.documentElement.lang || "").toLowerCase();
    const primary = langs.includes(own) ? own : langs.includes(own.split("-")[0]) ? own.split("-")[0]
      : langs.slice().sort((a, b) => entry.languages[b].page_count - entry.languages[a].page_count)[0];
    const other = new URL(bundle, window.location.href).pathname + "./";
    await pagefind.options({ excerptLength: 30 });
    for (const lang of langs) if (lang !== primary) await pagefind.mergeIndex(other, { language: lang });
    await pagefind.filters(); // loaded before the first search, or Pagefind counts nothing
    // A result's other documents: its topic's file in the bundle (fetched once a topic), less itself.
    const topics = new Map();
    const topicFile = (key) => {
      if (!/^[0-9a-f]{12}$/.test(key || "")) return Promise.resolve([]);
      if (!topics.has(key)) {
        topics.set(key, fetch(bundle + "kb-topics/" + key + ".json").then((r) => (r.ok ? r.json() : [])).catch(() => []));
      }
      return topics.get(key);
    };
    const also = async (d) => (await topicFile(d.meta.topic)).filter((m) => m.url !== d.url);
    return async function pagefindSearch(p) {
      const filters = {};
      if (p.locale) filters.locale = p.locale;
      if (p.edition) filters.edition = p.edition;
      const found = await pagefind.search(p.q, { filters });
      const start = (p.page - 1) * LIMIT;
      const shown = await Promise.all(found.results.slice(start, start + LIMIT).map((r) => r.data()));
      const results = await Promise.all(shown.map(async (d) => ({
        title: d.meta.title,
        url: d.url,
        locale: (d.filters.locale || [])[0],
        editions: d.filters.edition || [],
        snippet: d.excerpt,
        translations: await also(d),
      })));
      // Counts of each value over the search without that filter, as a reader choosing it will get.
      const totals = found.totalFilters || {};
      return { query: p.q, total: found.results.length, results, suggestions: [], counts: { locale: totals.locale || {}, edition: totals.edition || {} } };
    };
  }

  // Which backend answers here: the API if /api/health does, else the Pagefind bundle, else none.
  async function detect() {
    try {
      const resp = await fetch(health, { headers: { Accept: "application/json" } });
      if (resp.ok && isJson(resp)) return apiSearch;
    } catch (e) { /* no server behind the site */ }
    try {
      return await pagefindBackend();
    } catch (e) {
      return null;
    }
  }
  const backend = detect();

  // --- rendering --------------------------------------------------------------------------------

  // Snippets may carry highlighting: keep the text and <mark>/<b>/<strong>/<em>, drop any other markup.
  function snippet(html) {
    const out = el("p", { class: "snippet" });
    const doc = new DOMParser().parseFromString(String(html || ""), "text/html");
    (function walk(from, to) {
      for (const node of from.childNodes) {
        if (node.nodeType === Node.TEXT_NODE) to.append(node.textContent);
        else if (node.nodeType === Node.ELEMENT_NODE) {
          const keep = ["MARK", "B", "STRONG", "EM"].includes(node.tagName);
          walk(node, keep ? to.appendChild(document.createElement("mark")) : to);
        }
      }
    })(doc.body, out);
    return out;
  }

  function clear() {
    status.textContent = "";
    suggestBox.replaceChildren();
    suggestBox.hidden = true;
    list.replaceChildren();
    pager.hidden = true;
  }

  function result(r, asked) {
    const title = el("h2", {}, el("a", { href: siteUrl(r.url), lang: r.locale, hreflang: r.locale }, r.title));
    const meta = el("p", { class: "result-meta" }, [localeName(r.locale), ...(r.editions || []).map(editionName)].join(" · "));
    // A topic the requested locale lacks, shown in a fallback locale: say so plainly.
    if (r.fallback && asked) {
      meta.append(" · ", el("strong", { class: "fallback" }, fmt(strings.not_available, { locale: localeName(asked) })));
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
    return item;
  }

  // "Did you mean" goes above the results, as links that run the corrected search.
  function suggestions(words, p) {
    suggestBox.replaceChildren();
    suggestBox.hidden = !words.length;
    if (!words.length) return;
    suggestBox.append(strings.suggest + ": ");
    words.forEach((s, i) => {
      if (i) suggestBox.append(", ");
      const link = el("a", { href: "?" + query({ ...p, q: s, page: 1 }) }, s);
      link.addEventListener("click", (event) => {
        event.preventDefault();
        form.q.value = s;
        go(true);
      });
      suggestBox.append(link);
    });
  }

  // The filters say how many results each choice gives (the API's facets, Pagefind's filter counts).
  function counts(found) {
    for (const [select, key] of [[form.locale, "locale"], [form.edition, "edition"]]) {
      for (const option of select.options) {
        if (!option.dataset.label) option.dataset.label = option.textContent;
        const n = found && option.value ? found[key][option.value] || 0 : undefined;
        option.textContent = n === undefined ? option.dataset.label : `${option.dataset.label} (${n})`;
      }
    }
  }

  function render(data, p) {
    const total = data.total || 0;
    const said = total === 1 ? strings.result_one : total ? strings.results : strings.none;
    status.textContent = fmt(said, { total, query: data.query || p.q });
    suggestions(data.suggestions || [], p);
    list.replaceChildren(...(data.results || []).map((r) => result(r, data.locale)));
    counts(data.counts);
    const prev = document.getElementById("prev");
    const next = document.getElementById("next");
    prev.hidden = p.page <= 1;
    next.hidden = p.page * LIMIT >= total;
    prev.href = "?" + query({ ...p, page: p.page - 1 });
    next.href = "?" + query({ ...p, page: p.page + 1 });
    pager.hidden = prev.hidden && next.hidden;
  }

  // --- the form, the URL and the runs -------------------------------------------------------------

  function query(p) {
    const qs = new URLSearchParams();
    if (p.q) qs.set("q", p.q);
    if (p.locale) qs.set("locale", p.locale);
    if (p.edition) qs.set("edition", p.edition);
    if (p.page > 1) qs.set("page", String(p.page));
    return qs.toString();
  }

  function fromForm(page) {
    return { q: form.q.value.trim(), locale: form.locale.value, edition: form.edition.value, page };
  }

  // At load, words typed before this script ran (a slow page) are kept when the URL asks for none.
  function fromUrl(atLoad) {
    const s = new URLSearchParams(window.location.search);
    if (s.has("q") || !atLoad) form.q.value = s.get("q") || "";
    if (s.has("locale")) form.locale.value = s.get("locale");
    if (s.has("edition")) form.edition.value = s.get("edition");
    return fromForm(Math.max(1, parseInt(s.get("page") || "1", 10) || 1));
  }

  let latest = 0; // only the newest run may render: an older answer arriving late is dropped
  async function run(p) {
    const mine = ++latest;
    if (!p.q) {
      clear();
      counts(null);
      return;
    }
    status.textContent = strings.loading;
    const search = await backend;
    if (mine !== latest) return;
    if (!search) {
      clear();
      missing.hidden = false;
      return;
    }
    try {
      const data = await search(p);
      if (mine === latest) render(data, p);
    } catch (e) {
      if (mine !== latest) return;
      clear();
      status.textContent = strings.error + " " + e.message;
    }
  }

  // A new search from the form: the URL follows (a new history entry only when asked), then the run.
  function go(push) {
    const p = fromForm(1);
    const url = "?" + query(p);
    if (push) history.pushState(null, "", url);
    else history.replaceState(null, "", url);
    run(p);
  }

  let timer = 0;
  form.q.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => go(false), DEBOUNCE_MS);
  });
  for (const select of [form.locale, form.edition]) select.addEventListener("change", () => go(true));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    go(true);
  });
  window.addEventListener("popstate", () => run(fromUrl()));
  document.addEventListener("keydown", (event) => {
    const t = event.target;
    const typing = t instanceof HTMLElement && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      form.q.focus();
      form.q.select();
    }
  });
  backend.then((search) => { if (!search) missing.hidden = false; });
  run(fromUrl(true));
})();
