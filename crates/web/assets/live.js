// A live's page: the server's events (Server-Sent Events) keep the pinned
// product, its live price and stock, the basket, the chat, the viewer
// count and the "baru saja membeli" ticker current without a reload. The
// browser reconnects by itself and sends the last event's id, so nothing
// is missed. Without JavaScript the page is what the server rendered.
(function () {
  'use strict';
  var page = document.querySelector('[data-testid="live-page"]');
  if (!page || !window.EventSource) { return; }
  var id = page.getAttribute('data-live');
  var label = function (name) { return page.getAttribute('data-label-' + name) || ''; };
  var state = null;
  try { state = JSON.parse(document.getElementById('live-state').textContent); } catch (e) { state = null; }
  var pinnedBox = page.querySelector('[data-testid="live-pinned"]');
  var basket = page.querySelector('[data-testid="live-products"]');
  var chat = page.querySelector('[data-testid="live-chat"]');
  var ticker = page.querySelector('[data-testid="live-ticker"]');
  var viewers = page.querySelector('[data-testid="live-viewers"]');

  // The player: native HLS (Safari), hls.js elsewhere, or the recording.
  var player = page.querySelector('video[data-hls]');
  if (player) {
    var src = player.getAttribute('data-hls');
    if (player.canPlayType('application/vnd.apple.mpegurl')) {
      player.src = src;
    } else if (window.Hls && window.Hls.isSupported()) {
      var hls = new window.Hls({ lowLatencyMode: true });
      hls.loadSource(src);
      hls.attachMedia(player);
    }
  }

  function rupiah(n) {
    return 'Rp' + String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function headline(item) {
    var best = null;
    item.skus.forEach(function (s) {
      if (s.stock > 0 && (!best || s.price < best.price)) { best = s; }
    });
    if (!best) {
      item.skus.forEach(function (s) { if (!best || s.price < best.price) { best = s; } });
    }
    return best;
  }
  function stockOf(item) {
    return item.skus.reduce(function (n, s) { return n + Math.max(0, s.stock); }, 0);
  }
  function href(item) {
    return '/p/' + item.slug + '-' + item.product + '?src=' + encodeURIComponent(page.getAttribute('data-source'));
  }
  function buyForm(item, primary) {
    var form = el('form', { method: 'post', action: '/cart/add', 'class': 'tagged-buy' });
    [['_csrf', page.getAttribute('data-csrf')], ['source', page.getAttribute('data-source')], ['quantity', '1']]
      .forEach(function (f) { form.appendChild(el('input', { type: 'hidden', name: f[0], value: f[1] })); });
    var select = el('select', { name: 'sku', 'aria-label': label('variant') });
    if (primary) { select.setAttribute('data-testid', 'pinned-sku'); }
    item.skus.filter(function (s) { return s.stock > 0; }).forEach(function (s) {
      select.appendChild(el('option', { value: s.id }, (s.label || item.title) + ' · ' + rupiah(s.price)));
    });
    form.appendChild(select);
    var button = primary
      ? el('button', { type: 'submit', name: 'buy_now', value: '1', 'class': 'button primary', 'data-testid': 'pinned-buy-now' }, label('buy'))
      : el('button', { type: 'submit', 'class': 'button small' }, label('add'));
    form.appendChild(button);
    if (primary) { form.setAttribute('data-testid', 'pinned-buy'); }
    return form;
  }
  function priceLine(sku) {
    var p = el('p', { 'class': 'price-tag' });
    var strong = el('strong', {}, rupiah(sku.price));
    p.appendChild(strong);
    if (sku.original) { p.appendChild(document.createTextNode(' ')); p.appendChild(el('s', {}, rupiah(sku.original))); }
    if (sku.live) { p.appendChild(document.createTextNode(' ')); p.appendChild(el('span', { 'class': 'badge state-live' }, label('live-price'))); }
    return { line: p, price: strong };
  }
  var countdown = null;
  function renderPinned() {
    pinnedBox.textContent = '';
    if (countdown) { window.clearInterval(countdown); countdown = null; }
    if (!state || state.state !== 'live' || !state.pinned) { return; }
    var item = state.items.filter(function (i) { return i.product === state.pinned && i.available; })[0];
    if (!item) { return; }
    var best = headline(item);
    if (!best) { return; }
    var card = el('article', { 'class': 'pinned-card', 'data-product': item.product });
    if (item.image) {
      card.appendChild(el('img', { src: '/p/' + item.product + '/images/' + item.image + '/160', alt: item.title, width: '80', height: '80' }));
    }
    var body = el('div');
    body.appendChild(el('a', { href: href(item), 'data-testid': 'pinned-title' }, item.title));
    var line = priceLine(best);
    line.price.setAttribute('data-testid', 'pinned-price');
    body.appendChild(line.line);
    var stock = stockOf(item);
    body.appendChild(el('p', { 'class': 'muted', 'data-testid': 'pinned-stock' },
      stock > 0 ? label('left').replace('{0}', stock) : label('sold-out')));
    var deal = state.deal && state.deal.product === item.product ? state.deal : null;
    if (deal) {
      var d = el('p', { 'class': 'deal', 'data-testid': 'pinned-deal' });
      body.appendChild(d);
      var tick = function () {
        var left = Math.max(0, Math.ceil((deal.ends_at - Date.now()) / 1000));
        var m = Math.floor(left / 60), s = left % 60;
        d.textContent = label('deal') + ' ' + rupiah(deal.price) + ' · ' + m + ':' + (s < 10 ? '0' : '') + s +
          ' · ' + label('left').replace('{0}', deal.left);
        if (left === 0 && countdown) { window.clearInterval(countdown); countdown = null; }
      };
      tick();
      countdown = window.setInterval(tick, 1000);
    }
    if (stock > 0) { body.appendChild(buyForm(item, true)); }
    card.appendChild(body);
    pinnedBox.appendChild(card);
  }
  function renderBasket() {
    if (!basket || !state) { return; }
    basket.textContent = '';
    state.items.forEach(function (item) {
      if (!item.available) { return; }
      var best = headline(item);
      if (!best) { return; }
      var li = el('li', { 'class': 'tagged', 'data-product': item.product });
      if (item.image) {
        li.appendChild(el('img', { src: '/p/' + item.product + '/images/' + item.image + '/160', alt: item.title, width: '64', height: '64', loading: 'lazy' }));
      }
      var body = el('div', { 'class': 'tagged-body' });
      body.appendChild(el('a', { href: href(item) }, item.title));
      body.appendChild(document.createTextNode(' '));
      body.appendChild(el('strong', {}, rupiah(best.price)));
      if (best.original) { body.appendChild(document.createTextNode(' ')); body.appendChild(el('s', {}, rupiah(best.original))); }
      if (state.state === 'live' && stockOf(item) > 0) { body.appendChild(buyForm(item, false)); }
      li.appendChild(body);
      basket.appendChild(li);
    });
  }
  function addComment(c) {
    if (!chat || chat.querySelector('[data-comment="' + c.id + '"]')) { return; }
    var li = el('li', { 'data-comment': c.id });
    li.appendChild(el('strong', {}, c.author));
    li.appendChild(document.createTextNode(' ' + c.body));
    chat.appendChild(li);
    while (chat.children.length > 100) { chat.removeChild(chat.firstChild); }
    chat.scrollTop = chat.scrollHeight;
  }
  // A buyer's chosen variants survive a re-render (another buyer's
  // purchase re-sends the state): each select keeps its value if offered.
  function chosen() {
    var kept = {};
    page.querySelectorAll('[data-product] select[name=sku]').forEach(function (select) {
      var holder = select.closest('[data-product]');
      kept[(holder.classList.contains('pinned-card') ? 'pin:' : 'list:') + holder.getAttribute('data-product')] = select.value;
    });
    return kept;
  }
  function restore(kept) {
    page.querySelectorAll('[data-product] select[name=sku]').forEach(function (select) {
      var holder = select.closest('[data-product]');
      var value = kept[(holder.classList.contains('pinned-card') ? 'pin:' : 'list:') + holder.getAttribute('data-product')];
      if (value && select.querySelector('option[value="' + value + '"]')) { select.value = value; }
    });
  }
  function render() {
    var kept = chosen();
    renderPinned();
    renderBasket();
    restore(kept);
    if (state) { page.setAttribute('data-state', state.state); }
  }
  render();

  var source = new EventSource('/live/' + id + '/events');
  source.addEventListener('state', function (e) {
    try { state = JSON.parse(e.data); } catch (err) { return; }
    render();
    if (state.state === 'ended' || state.state === 'cancelled') {
      ticker.textContent = label('ended');
      source.close();
    }
  });
  // Comments come in batches (those posted within a tenth of a second).
  source.addEventListener('comments', function (e) {
    try { JSON.parse(e.data).forEach(addComment); } catch (err) { /* a bad event is skipped */ }
  });
  source.addEventListener('comment_removed', function (e) {
    try {
      var gone = chat && chat.querySelector('[data-comment="' + JSON.parse(e.data).id + '"]');
      if (gone) { gone.parentNode.removeChild(gone); }
    } catch (err) { /* skipped */ }
  });
  source.addEventListener('viewers', function (e) {
    try { viewers.textContent = label('viewers').replace('{0}', JSON.parse(e.data).viewers); } catch (err) { /* skipped */ }
  });
  source.addEventListener('purchase', function (e) {
    try {
      var ids = JSON.parse(e.data).products || [];
      var names = (state ? state.items : []).filter(function (i) { return ids.indexOf(i.product) >= 0; })
        .map(function (i) { return i.title; });
      if (names.length) {
        ticker.textContent = label('bought').replace('{0}', names.join(', '));
        ticker.classList.remove('flash');
        void ticker.offsetWidth;
        ticker.classList.add('flash');
      }
    } catch (err) { /* skipped */ }
  });

  // The chat's form, sent without leaving the live.
  var form = page.querySelector('[data-testid="live-comment-form"]');
  if (form && window.fetch) {
    var error = form.querySelector('[data-testid="comment-error"]');
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var data = new URLSearchParams(new FormData(form));
      fetch(form.action, { method: 'POST', body: data, headers: { Accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (r) {
          if (r.ok) {
            error.hidden = true;
            addComment(r.body);
            form.querySelector('[name="text"]').value = '';
          } else {
            var first = r.body.errors && r.body.errors[0];
            error.textContent = (first && first.message) || r.body.detail || r.body.title || '';
            error.hidden = false;
          }
        })
        .catch(function () { form.submit(); });
    });
  }
}());
