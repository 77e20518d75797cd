/* ampel dashboard - comfort only; every page works without it.
 * Tables with class "sortierbar" get sortable column headers (buttons, so
 * they work with the keyboard). */
(function () {
  'use strict';
  function key(cell) {
    var t = (cell.getAttribute('data-wert') || cell.textContent || '').trim();
    var n = t.replace(/\./g, '').replace(',', '.').replace(/[^0-9.eE+-]/g, '');
    var f = parseFloat(n);
    return n !== '' && isFinite(f) && /\d/.test(t) ? f : t.toLowerCase();
  }
  function sort(table, col, btn) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var asc = btn.getAttribute('data-richtung') !== 'auf';
    rows.sort(function (a, b) {
      var x = key(a.cells[col]), y = key(b.cells[col]);
      if (typeof x !== typeof y) { x = String(x); y = String(y); }
      return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
    });
    rows.forEach(function (r) { body.appendChild(r); });
    var ths = table.tHead.rows[0].cells;
    for (var i = 0; i < ths.length; i++) ths[i].removeAttribute('aria-sort');
    btn.parentNode.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    btn.setAttribute('data-richtung', asc ? 'auf' : 'ab');
  }
  document.querySelectorAll('table.sortierbar').forEach(function (table) {
    if (!table.tHead || !table.tBodies[0]) return;
    var ths = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(ths, function (th, col) {
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'sort';
      b.title = 'nach dieser Spalte sortieren';
      if (th.querySelector('a')) {
        /* keep the link; add a small sort button beside it */
        b.textContent = '⇅';
        b.setAttribute('aria-label', 'nach „' + th.textContent.trim() +
                       '“ sortieren');
        th.appendChild(document.createTextNode(' '));
      } else {
        b.textContent = th.textContent;
        th.textContent = '';
      }
      th.appendChild(b);
      b.addEventListener('click', function () { sort(table, col, b); });
    });
  });
})();
