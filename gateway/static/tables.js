// A table that does not fit its place (on a phone, every table) is shown as cards (app.css):
// each cell is labelled with its column's heading, and the table is stacked while its rows are
// wider than the space it has. Without this script the table scrolls by itself, never the page.
(function () {
  var each = function (list, f) { Array.prototype.forEach.call(list, f); };
  var tables = Array.prototype.filter.call(document.querySelectorAll('table'), function (t) {
    return t.tHead && t.tHead.rows.length && !t.closest('.scroll') && !t.classList.contains('confirm');
  });
  var narrow = window.matchMedia('(max-width: 40rem)');
  tables.forEach(function (t) {
    var heads = Array.prototype.map.call(t.tHead.rows[0].cells, function (c) { return c.textContent.trim(); });
    each(t.tBodies, function (body) {
      each(body.rows, function (row) {
        each(row.cells, function (cell, i) { if (heads[i]) cell.setAttribute('data-label', heads[i]); });
      });
    });
    t.classList.add('cards');
  });
  var room = function (el) {
    var s = window.getComputedStyle(el);
    return el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
  };
  var fit = function () {
    tables.forEach(function (t) {
      t.classList.remove('stacked');
      if (narrow.matches || t.offsetWidth > room(t.parentElement) + 1) t.classList.add('stacked');
    });
  };
  fit();
  window.addEventListener('resize', fit);
})();
