// Search suggestions: while a buyer types in a search box marked
// [data-suggest], the phrases that complete the last word (and find
// products) fill the box's <datalist>, which the browser shows and lets
// the keyboard pick from. Without JavaScript the box is a plain search.
(function () {
  'use strict';
  document.querySelectorAll('input[data-suggest]').forEach(function (input) {
    var list = document.getElementById(input.getAttribute('list') || '');
    if (!list) { return; }
    var timer = null;
    var asked = '';
    function fill(items) {
      list.textContent = '';
      items.forEach(function (item) {
        var option = document.createElement('option');
        option.value = item.text;
        list.appendChild(option);
      });
    }
    function ask() {
      var typed = input.value;
      if (typed.trim().length < 2) { fill([]); return; }
      if (typed === asked) { return; }
      asked = typed;
      fetch('/search/suggest?q=' + encodeURIComponent(typed), { headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (body) { if (input.value === typed) { fill(body.suggestions || []); } })
        .catch(function () { /* suggestions are a help, never a blocker */ });
    }
    input.addEventListener('input', function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 150);
    });
  });
})();
