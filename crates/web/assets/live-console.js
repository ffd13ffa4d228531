// The live console: its counters (viewers now and at the peak, comments,
// add-to-carts, orders and sales from this live) every two seconds, new
// comments as they come (the live's own event stream), and the flash
// deals' countdowns.
(function () {
  'use strict';
  var console_ = document.querySelector('[data-testid="live-console"]');
  if (!console_) { return; }
  var id = console_.getAttribute('data-live');
  function refresh() {
    if (!window.fetch) { return; }
    fetch('/seller/live/' + id + '/stats', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (stats) {
        if (!stats) { return; }
        Object.keys(stats).forEach(function (k) {
          var node = console_.querySelector('[data-stat="' + k + '"]');
          if (node) { node.textContent = String(stats[k]); }
        });
      })
      .catch(function () { /* the next tick tries again */ });
  }
  refresh();
  window.setInterval(refresh, 2000);

  var chat = document.querySelector('[data-testid="console-chat"]');
  if (chat && window.EventSource && console_.getAttribute('data-on-air') === 'true') {
    var source = new EventSource('/live/' + id + '/events');
    source.addEventListener('comments', function (e) {
      try {
        JSON.parse(e.data).forEach(function (c) {
          if (chat.querySelector('[data-comment="' + c.id + '"]')) { return; }
          var li = document.createElement('li');
          li.setAttribute('data-comment', c.id);
          var who = document.createElement('strong');
          who.textContent = c.author;
          li.appendChild(who);
          li.appendChild(document.createTextNode(' ' + c.body));
          chat.insertBefore(li, chat.firstChild);
        });
      } catch (err) { /* skipped */ }
    });
  }

  var deals = document.querySelectorAll('[data-countdown]');
  if (deals.length) {
    var tick = function () {
      deals.forEach(function (node) {
        var left = Math.max(0, Math.ceil((Number(node.getAttribute('data-countdown')) - Date.now()) / 1000));
        var m = Math.floor(left / 60), s = left % 60;
        node.textContent = m + ':' + (s < 10 ? '0' : '') + s;
      });
    };
    tick();
    window.setInterval(tick, 1000);
  }
}());
