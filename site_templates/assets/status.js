// The translation status pages: filter the rows of a table by language, kind and severity, and sort
// it by any column. An asset of its own: the site's Content-Security-Policy allows no inline script.
// Without script the pages are plain tables (the filter forms stay hidden).
"use strict";

(function () {
  function cellValue(row, index, numeric) {
    var cell = row.children[index];
    var text = cell ? cell.textContent.trim() : "";
    if (!numeric) return text.toLocaleLowerCase();
    var n = parseFloat(text.replace(/[^\d.-]/g, ""));
    return isNaN(n) ? -Infinity : n;
  }

  function sortBy(table, index, header) {
    var numeric = header.getAttribute("data-sort") === "number";
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("thead th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index, numeric), y = cellValue(b, index, numeric);
      var order = numeric ? x - y : String(x).localeCompare(String(y));
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function makeSortable(table) {
    table.querySelectorAll("thead th").forEach(function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, index, th); });
    });
  }

  function matches(row, filters) {
    for (var i = 0; i < filters.length; i++) {
      var f = filters[i], value = f.select.value;
      if (!value) continue;
      if (f.name === "locale" && row.getAttribute("data-locale") !== value) return false;
      if (f.name === "kinds" && (" " + row.getAttribute("data-kinds") + " ").indexOf(" " + value + " ") < 0) return false;
      if (f.name === "severity" && !(parseInt(row.getAttribute("data-" + value) || "0", 10) > 0)) return false;
    }
    return true;
  }

  function applyFilters(form, table, filters) {
    var rows = table.tBodies[0].rows, shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var keep = matches(rows[i], filters);
      rows[i].hidden = !keep;
      if (keep) shown++;
    }
    var output = form.querySelector("output.status-shown");
    if (output) {
      output.textContent = output.getAttribute("data-template")
        .replace("{shown}", String(shown)).replace("{total}", String(rows.length));
    }
  }

  function setUp(form) {
    var table = document.getElementById(form.getAttribute("data-table"));
    if (!table) return;
    var filters = Array.prototype.map.call(form.querySelectorAll("select[data-filter]"), function (select) {
      return { name: select.getAttribute("data-filter"), select: select };
    });
    filters.forEach(function (f) {
      f.select.addEventListener("change", function () { applyFilters(form, table, filters); });
    });
    form.querySelectorAll("select[data-navigate]").forEach(function (select) {
      select.addEventListener("change", function () { if (select.value) window.location.href = select.value; });
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    applyFilters(form, table, filters);
  }

  document.querySelectorAll("table.sortable").forEach(makeSortable);
  document.querySelectorAll("form.status-filters").forEach(setUp);
})();
