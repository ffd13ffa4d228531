// The variant picker: a value is disabled when, with the values already
// chosen, no SKU having it is in stock; once every option is chosen the
// page's price shows that SKU's (the server priced every SKU with the
// pricing function). Without JavaScript, values sold out in every
// combination are disabled and the full variant list shows each price.
(function () {
  'use strict';
  var picker = document.querySelector('[data-testid=variant-picker]');
  var data = document.getElementById('variants-data');
  if (!picker || !data) { return; }
  picker.addEventListener('submit', function (e) { e.preventDefault(); });
  var skus = JSON.parse(data.textContent);
  var groups = Array.prototype.slice.call(picker.querySelectorAll('fieldset'));
  var inputs = Array.prototype.slice.call(picker.querySelectorAll('input[type=radio]'));
  var tag = document.querySelector('article.product [data-testid=price-tag]');
  var chosenNote = picker.querySelector('[data-testid=variant-chosen]');

  function chosen() {
    return groups.map(function (g) {
      var r = g.querySelector('input:checked');
      return r ? r.value : null;
    });
  }
  function fits(sku, combo) {
    return combo.every(function (v, i) { return v === null || sku.combination[i] === v; });
  }
  function show(sku) {
    if (!tag) { return; }
    tag.setAttribute('data-price', String(sku.unit));
    tag.querySelector('[data-testid=shop-price]').textContent = sku.price;
    var strike = tag.querySelector('[data-testid=price-strike]');
    if (strike) { strike.textContent = sku.strike || ''; strike.hidden = !sku.strike; }
    var badge = tag.querySelector('[data-testid=price-badge]');
    if (badge) { badge.textContent = sku.badge || ''; badge.hidden = !sku.badge; }
    var countdown = tag.querySelector('[data-testid=price-countdown]');
    if (countdown) {
      if (sku.ends_at) {
        countdown.setAttribute('data-ends-at', sku.ends_at);
        countdown.textContent = sku.ends_text || '';
      } else {
        countdown.removeAttribute('data-ends-at');
      }
      countdown.hidden = !sku.ends_at;
    }
    var left = tag.querySelector('[data-testid=flash-left]');
    if (left) { left.textContent = sku.flash_left || ''; left.hidden = !sku.flash_left; }
  }
  function update() {
    var combo = chosen();
    inputs.forEach(function (input) {
      var i = Number(input.getAttribute('data-option'));
      var trial = combo.slice();
      trial[i] = input.value;
      var available = skus.some(function (s) { return s.stock > 0 && fits(s, trial); });
      input.disabled = !available;
      input.parentElement.classList.toggle('disabled', !available);
    });
    if (combo.every(function (v) { return v !== null; })) {
      var sku = skus.filter(function (s) { return fits(s, combo); })[0];
      if (sku) {
        show(sku);
        var buy = document.querySelector('[data-testid=buy-sku]');
        if (buy && sku.id) { buy.value = sku.id; }
        var stock = sku.stock > 0
          ? picker.getAttribute('data-left').replace('{0}', String(sku.stock))
          : picker.getAttribute('data-sold-out');
        chosenNote.textContent = combo.join(' / ') + ' · ' + stock;
        chosenNote.setAttribute('data-sku-stock', String(sku.stock));
      }
    }
  }
  picker.addEventListener('change', update);
  update();
}());
