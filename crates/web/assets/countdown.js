// Promotion countdowns: every [data-ends-at] element counts down to its
// end, and the page reloads when a price ends so the next price shows.
// Without JavaScript the end time stays written out in WIB.
(function () {
  'use strict';
  var nodes = document.querySelectorAll('[data-ends-at]');
  if (!nodes.length) { return; }
  var en = document.documentElement.lang === 'en';
  var label = en ? 'Ends in ' : 'Berakhir dalam ';
  var dayUnit = en ? 'd ' : 'h ';
  function pad(n) { return n < 10 ? '0' + n : String(n); }
  function render() {
    var now = Date.now();
    var reload = false;
    nodes.forEach(function (node) {
      // The variant picker may take a node's end away (a SKU without one).
      var end = Date.parse(node.getAttribute('data-ends-at') || '');
      if (isNaN(end)) { return; }
      var left = Math.floor((end - now) / 1000);
      if (left <= 0) { reload = true; return; }
      var days = Math.floor(left / 86400);
      var h = Math.floor((left % 86400) / 3600);
      var m = Math.floor((left % 3600) / 60);
      var s = left % 60;
      node.textContent = label + (days > 0 ? days + dayUnit : '') + pad(h) + ':' + pad(m) + ':' + pad(s);
      node.setAttribute('data-counting', 'yes');
    });
    if (reload) { window.location.reload(); return; }
    window.setTimeout(render, 1000);
  }
  render();
}());
