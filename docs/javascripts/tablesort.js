/* Sortable tables: click a header to sort by that column (again to reverse).
 * Written for this site, no dependencies. A cell sorts by the data-sort
 * attribute of its first element that has one, else by its number
 * (3/4, 93%, 12 天 …), else by its text in Chinese collation. */
(function () {
  "use strict";
  var collator = new Intl.Collator("zh-CN", { numeric: true });

  function key(cell) {
    var marked = cell.querySelector("[data-sort]");
    var raw = marked ? marked.getAttribute("data-sort") : cell.textContent.trim();
    var match = /^-?\d+(\.\d+)?/.exec(raw.replace(/^[^\d-]*/, ""));
    return { number: match ? parseFloat(match[0]) : null, text: raw };
  }

  function compare(a, b) {
    if (a.number !== null && b.number !== null && a.number !== b.number) return a.number - b.number;
    if (a.number !== null && b.number === null) return -1;
    if (a.number === null && b.number !== null) return 1;
    return collator.compare(a.text, b.text);
  }

  function sortBy(table, header, column) {
    var body = table.tBodies[0];
    if (!body) return;
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.map.call(body.rows, function (row, index) {
      return { row: row, key: key(row.cells[column] || row), index: index };
    });
    rows.sort(function (x, y) {
      return (ascending ? 1 : -1) * compare(x.key, y.key) || x.index - y.index;
    });
    rows.forEach(function (item) { body.appendChild(item.row); });
  }

  function setup() {
    var tables = document.querySelectorAll(".md-typeset table:not([class]), .md-typeset table.zxz-sortable");
    Array.prototype.forEach.call(tables, function (table) {
      if (!table.tHead || !table.tBodies[0] || table.tBodies[0].rows.length < 2) return;
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
        if (th.hasAttribute("data-zxz-sort")) return;
        th.setAttribute("data-zxz-sort", "");
        th.setAttribute("title", "点击排序");
        th.addEventListener("click", function () { sortBy(table, th, column); });
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
