// Orders after checkout, in the browsers of the people who handle them: the
// demo buyer places three COD orders; the shop's operations member books
// the pickup of two at once, prints both labels in one PDF, and sends the
// third with the shop's own courier under a resi typed with spaces; the
// sandbox courier carries one package to delivered through signed tracking
// reports; the buyer follows its timeline on a phone; and the order the
// demo shop forgot (due an hour before the server started) was cancelled
// at its deadline and shows in the shop's performance.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { launch } from '../lib/browser.mjs';
import { seriousViolations } from '../lib/axe.mjs';

const BASE = process.env.ETALASE_URL;
const SHOTS = new URL('../screenshots/', import.meta.url).pathname;
const PHONE = { viewport: { width: 390, height: 844 }, locale: 'id-ID', isMobile: true, hasTouch: true };
const DESK = { viewport: { width: 1280, height: 900 }, locale: 'id-ID' };

let browser;
before(async () => {
  assert.ok(BASE, 'ETALASE_URL is set by e2e/run');
  browser = await launch();
});
after(async () => browser && browser.close());

async function signIn(page, path, email) {
  await page.goto(`${BASE}${path}`);
  await page.getByLabel('Email').fill(email);
  await page.locator('input[name=password]').fill('etalase-demo');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL((url) => !url.pathname.endsWith('/signin'));
}

/// The demo buyer orders one shirt of `variant` with COD; the order's id.
async function buyCod(page, variant) {
  await page.goto(`${BASE}/search?q=batik`);
  const href = await page.locator('a[href^="/p/"]').filter({ hasText: 'Batik Sari Kemeja' }).first().getAttribute('href');
  await page.goto(`${BASE}${href}?src=search`);
  const select = page.getByTestId('buy-sku');
  const value = await select.evaluate(
    (el, wanted) => [...el.options].find((o) => o.textContent.includes(wanted))?.value,
    variant,
  );
  assert.ok(value, `variant ${variant} offered`);
  await select.selectOption(value);
  await page.getByTestId('add-to-cart').click();
  await page.waitForURL(/\/cart\?notice=cart_added/);
  await page.getByTestId('to-checkout').click();
  await page.getByTestId('pay-cod').check();
  await page.getByTestId('checkout-update').click();
  await page.getByTestId('place-order').click();
  await page.waitForURL(/\/orders\?checkout=chk_.*notice=order_placed/);
  return page.getByTestId('order-row').first().getAttribute('data-order');
}

test('operations arranges, prints, ships; a courier delivers; the buyer follows', async () => {
  const buyerContext = await browser.newContext(PHONE);
  const buyer = await buyerContext.newPage();
  await signIn(buyer, '/signin', 'pembeli@etalase.test');
  const first = await buyCod(buyer, 'Biru Indigo / M');
  const second = await buyCod(buyer, 'Biru Indigo / L');
  const third = await buyCod(buyer, 'Cokelat Sogan / XL');
  assert.ok(first && second && third && new Set([first, second, third]).size === 3);

  const opsContext = await browser.newContext(DESK);
  const ops = await opsContext.newPage();
  await signIn(ops, '/seller/signin', 'operasional@etalase.test');

  // "Perlu dikirim": tick two orders and book both pickups at once.
  await ops.goto(`${BASE}/seller/orders?tab=to_ship`);
  for (const id of [first, second]) {
    await ops.locator(`tr[data-id="${id}"]`).getByTestId('order-tick').check();
  }
  assert.deepEqual(await seriousViolations(ops), [], 'orders to ship');
  await ops.getByTestId('bulk-arrange').click();
  await ops.waitForURL(/tab=ready_to_ship&notice=orders_arranged$/);
  const resis = {};
  for (const id of [first, second]) {
    const row = ops.locator(`tr[data-id="${id}"]`);
    assert.equal(await row.getAttribute('data-status'), 'awaiting_collection');
    resis[id] = (await row.getByTestId('order-resi').textContent()).trim();
    assert.match(resis[id], /^[A-Z0-9]{8,30}$/);
  }
  await ops.screenshot({ path: `${SHOTS}orders-ready-to-ship.png`, fullPage: true });

  // Both labels in one A6 PDF, opened from the same list.
  for (const id of [first, second]) {
    await ops.locator(`tr[data-id="${id}"]`).getByTestId('order-tick').check();
  }
  const pdfResponse = opsContext.waitForEvent('response', (r) => r.url().endsWith('/seller/orders/labels.pdf'));
  await ops.getByTestId('bulk-print').click();
  const pdf = await pdfResponse;
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  // Chromium hands the PDF to its viewer; the same form, sent again from
  // this session, gives the bytes to read.
  const fields = await ops.locator('#bulk').evaluate((f) => [...new FormData(f)]);
  const again = await opsContext.request.post(`${BASE}/seller/orders/labels.pdf`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    data: new URLSearchParams(fields).toString(),
  });
  assert.equal(again.status(), 200);
  const bytes = await again.body();
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  const pages = bytes.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? [];
  assert.equal(pages.length, 2, 'one page per label');
  assert.match(bytes.toString('latin1'), /\/MediaBox\s*\[\s*0\s+0\s+283\.46/, 'A6 pages');
  writeFileSync(`${SHOTS}orders-labels.pdf`, bytes);

  // The third goes with the shop's own courier, the resi typed loosely.
  await ops.goto(`${BASE}/seller/orders/${third}`);
  await ops.getByTestId('ship-courier').selectOption('jnt');
  await ops.getByTestId('ship-resi').fill(' jx 1234 5678 90 ');
  await ops.getByTestId('ship-submit').click();
  await ops.waitForURL(/notice=order_shipped$/);
  assert.equal(await ops.getByTestId('order-status').getAttribute('data-status'), 'in_transit');
  assert.equal((await ops.getByTestId('order-resi').textContent()).trim(), 'JX1234567890');

  // The sandbox courier picks up the first package and delivers it.
  await ops.goto(`${BASE}/sandbox-courier`);
  const parcel = ops.locator(`[data-testid=sandbox-shipment][data-resi="${resis[first]}"]`);
  for (const kind of ['picked_up', 'in_transit', 'out_for_delivery', 'delivered']) {
    await parcel.getByTestId(`sandbox-report-${kind}`).click();
    await ops.waitForURL(/\/sandbox-courier#shp_/);
  }
  assert.match(await parcel.getByTestId('sandbox-shipment-status').textContent(), /sampai tujuan/i);
  await ops.screenshot({ path: `${SHOTS}orders-sandbox-courier.png`, fullPage: true });

  // The buyer's phone shows the way it came.
  await buyer.goto(`${BASE}/orders/${first}`);
  const timeline = buyer.getByTestId('order-timeline');
  for (const kind of ['placed', 'shipment_arranged', 'collected', 'tracking.in_transit', 'tracking.out_for_delivery', 'delivered']) {
    assert.equal(await timeline.locator(`li[data-kind="${kind}"]`).count(), 1, kind);
  }
  assert.match(await buyer.locator('main').textContent(), new RegExp(resis[first]));
  assert.deepEqual(await seriousViolations(buyer), [], 'buyer order page');
  await buyer.screenshot({ path: `${SHOTS}orders-buyer-timeline.png`, fullPage: true });

  // The forgotten demo order was cancelled at its deadline, against the shop.
  await ops.goto(`${BASE}/seller/performance`);
  const cancellations = ops.getByTestId('metric-seller_fault_cancellation');
  assert.equal(await cancellations.getAttribute('data-standing'), 'misses');
  assert.ok(await cancellations.getByTestId('offender').count() >= 1, 'the auto-cancelled order is listed');
  const forgotten = await cancellations.getByTestId('offender').first().getAttribute('data-id');
  assert.ok(![first, second, third].includes(forgotten));
  assert.match(await cancellations.textContent(), /penjual tidak mengatur pengiriman/);
  assert.equal(await ops.getByTestId('metric-late_dispatch').count(), 1);
  assert.deepEqual(await seriousViolations(ops), [], 'performance');
  await ops.screenshot({ path: `${SHOTS}orders-performance.png`, fullPage: true });
  await ops.goto(`${BASE}/seller/orders/${forgotten}`);
  assert.equal(await ops.getByTestId('order-status').getAttribute('data-status'), 'cancelled');

  await buyerContext.close();
  await opsContext.close();
});
