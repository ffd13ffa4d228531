// Keeps the catalog list's "In the Shop" badges current: the server sends a
// badge each time the sync touches one of the products on the page.
// Without JavaScript the badges are as of the page load.
(function () {
  'use strict';
  var cells = document.querySelectorAll('[data-sync-product]');
  if (!cells.length || !window.EventSource) { return; }
  var byId = {};
  var ids = [];
  cells.forEach(function (cell) {
    var id = cell.getAttribute('data-sync-product');
    byId[id] = cell;
    ids.push(id);
  });
  var source = new EventSource('/seller/products/sync-events?ids=' + encodeURIComponent(ids.join(',')));
  source.addEventListener('sync', function (e) {
    var b = JSON.parse(e.data);
    var cell = byId[b.product];
    if (!cell) { return; }
    var badge = document.createElement('span');
    badge.className = 'badge sync-' + b.state;
    badge.setAttribute('data-testid', 'sync-badge');
    badge.setAttribute('data-state', b.state);
    badge.title = b.detail;
    badge.textContent = b.state_label;
    var shown = document.createElement('small');
    shown.className = 'muted';
    shown.setAttribute('data-testid', 'sync-shown');
    shown.setAttribute('data-shown', b.shown || '');
    shown.textContent = b.shown_label;
    cell.replaceChildren(badge, document.createTextNode(' '), shown);
  });
})();
