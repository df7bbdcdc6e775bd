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

  // A panel holds one or more ids (a zone written for pivot="a,b" is both a's and b's): a group has a
  // tab per id, in the order first met, and choosing one shows every panel holding it.
  function show(g, id) {
    g.tabs.forEach(function (t) {
      var on = t.id === id;
      t.button.setAttribute("aria-selected", on ? "true" : "false");
      t.button.tabIndex = on ? 0 : -1;
    });
    g.panels.forEach(function (p) { p.panel.hidden = p.ids.indexOf(id) < 0; });
  }

  function select(id) {
    groups.forEach(function (g) {
      if (g.tabs.some(function (t) { return t.id === id; })) { show(g, id); }
    });
  }

  function setUpTabs(group, n) {
    var panels = Array.prototype.filter.call(group.children, function (c) {
      return c.classList && c.classList.contains("tab-panel");
    }).map(function (panel, i) {
      var title = panel.querySelector(".tab-title");
      var label = title ? title.textContent.trim() : String(i + 1);
      var ids = (panel.getAttribute("data-tab") || "").split(/\s+/).filter(Boolean);
      // a zone of several pivots is titled by their titles in their order ("C#, PowerShell")
      var parts = label.split(", ");
      return { panel: panel, label: label, ids: ids.length ? ids : [label],
               labels: parts.length === ids.length ? parts : ids };
    });
    var order = [];
    panels.forEach(function (p) {
      p.ids.forEach(function (id) { if (order.indexOf(id) < 0) { order.push(id); } });
    });
    if (order.length < 2) { return; }
    var list = document.createElement("div");
    list.className = "tab-list";
    list.setAttribute("role", "tablist");
    var g = { tabs: [], panels: panels };
    panels.forEach(function (p, i) {
      p.panel.id = p.panel.id || "tab-panel-" + n + "-" + i;
      p.panel.setAttribute("role", "tabpanel");
    });
    order.forEach(function (id, i) {
      var own = panels.filter(function (p) { return p.ids.indexOf(id) >= 0; });
      var alone = own.filter(function (p) { return p.ids.length === 1; })[0];
      var button = document.createElement("button");
      button.type = "button";
      button.setAttribute("role", "tab");
      button.id = "tab-" + n + "-" + i;
      // a "#tab/linux" section's label is its heading's "Linux"; a pivot only shared, its title in a shared panel
      button.textContent = alone ? alone.label : own[0].labels[own[0].ids.indexOf(id)];
      button.setAttribute("aria-controls", own.map(function (p) { return p.panel.id; }).join(" "));
      own.forEach(function (p) {
        if (!p.panel.hasAttribute("aria-labelledby")) { p.panel.setAttribute("aria-labelledby", button.id); }
      });
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
      g.tabs.push({ id: id, button: button });
    });
    group.insertBefore(list, group.firstChild);
    group.classList.add("tabs-ready");
    groups.push(g);
    show(g, order[0]);
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
