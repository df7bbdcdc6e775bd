// DocFX/Learn constructs on a document page (issue 21), without inline script (the CSP forbids it):
// tab groups (zone pivots and "# [Tab](#tab/id)" sections, rendered by kb.ingest.docfx as a
// div.tabs of section.tab-panel[data-tab], every panel shown under its title) become a tab list;
// choosing a tab chooses the same one in every group of the page; every code block gets a copy button.
(function () {
  "use strict";
  var WORDS = {
    en: ["Copy", "Copied", "Copy code"],
    pt: ["Copiar", "Copiado", "Copiar código"],
    es: ["Copiar", "Copiado", "Copiar código"],
    it: ["Copia", "Copiato", "Copia codice"],
    ru: ["Копировать", "Скопировано", "Копировать код"]
  };
  var lang = (document.documentElement.lang || "en").slice(0, 2).toLowerCase();
  var words = WORDS[lang] || WORDS.en;
  var groups = [];

  function select(id) {
    groups.forEach(function (g) {
      var has = g.tabs.some(function (t) { return t.id === id; });
      if (!has) { return; }
      g.tabs.forEach(function (t) {
        var on = t.id === id;
        t.button.setAttribute("aria-selected", on ? "true" : "false");
        t.button.tabIndex = on ? 0 : -1;
        t.panel.hidden = !on;
      });
    });
  }

  function setUpTabs(group, n) {
    var panels = Array.prototype.filter.call(group.children, function (c) {
      return c.classList && c.classList.contains("tab-panel");
    });
    if (panels.length < 2) { return; }
    var list = document.createElement("div");
    list.className = "tab-list";
    list.setAttribute("role", "tablist");
    var g = { tabs: [] };
    panels.forEach(function (panel, i) {
      var title = panel.querySelector(".tab-title");
      var button = document.createElement("button");
      button.type = "button";
      button.setAttribute("role", "tab");
      button.id = "tab-" + n + "-" + i;
      panel.id = panel.id || "tab-panel-" + n + "-" + i;
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", button.id);
      button.setAttribute("aria-controls", panel.id);
      button.textContent = title ? title.textContent.trim() : String(i + 1);
      var id = panel.getAttribute("data-tab") || button.textContent;
      button.addEventListener("click", function () { select(id); });
      button.addEventListener("keydown", function (e) {
        var step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
        if (!step) { return; }
        var next = g.tabs[(i + step + g.tabs.length) % g.tabs.length];
        select(next.id);
        next.button.focus();
        e.preventDefault();
      });
      list.appendChild(button);
      g.tabs.push({ id: id, button: button, panel: panel });
    });
    group.insertBefore(list, group.firstChild);
    group.classList.add("tabs-ready");
    groups.push(g);
    g.tabs.forEach(function (t, i) {
      t.button.setAttribute("aria-selected", i === 0 ? "true" : "false");
      t.button.tabIndex = i === 0 ? 0 : -1;
      t.panel.hidden = i !== 0;
    });
  }

  function copyText(text, done) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () {});
      return;
    }
    var area = document.createElement("textarea");  // file:// pages have no clipboard API
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    try { if (document.execCommand("copy")) { done(); } } catch (e) { /* nothing to copy with */ }
    document.body.removeChild(area);
  }

  function setUpCopy(pre) {
    var code = pre.querySelector("code");
    if (!code) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-code";
    button.textContent = words[0];
    button.setAttribute("aria-label", words[2]);
    button.addEventListener("click", function () {
      copyText(code.textContent, function () {
        button.textContent = words[1];
        window.setTimeout(function () { button.textContent = words[0]; }, 2000);
      });
    });
    pre.classList.add("code-block");
    pre.appendChild(button);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".tabs"), setUpTabs);
    Array.prototype.forEach.call(document.querySelectorAll("main pre"), setUpCopy);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
