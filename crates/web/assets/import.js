// Moves an import's progress bar while the job runs, then reloads the page
// to show its result. Without JavaScript the page refreshes itself.
(function () {
  'use strict';
  var bar = document.querySelector('[data-progress]');
  if (!bar) { return; }
  var fill = bar.querySelector('span');
  function poll() {
    fetch(bar.getAttribute('data-progress'), { credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (p) {
        fill.style.width = p.percent + '%';
        bar.setAttribute('aria-valuenow', p.percent);
        if (p.finished) { window.location.reload(); } else { setTimeout(poll, 700); }
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
