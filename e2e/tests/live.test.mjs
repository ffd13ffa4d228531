// A live as a marketing member runs one: schedules it with three products
// in the Shop, goes on air, pins a product and gives it a live price; a
// buyer's phone on the live page sees the pin and then the new price
// arrive without reloading, buys through the pin at that price, and the
// order remembers the live; the console counts the order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from '../lib/browser.mjs';
import { seriousViolations } from '../lib/axe.mjs';

const BASE = process.env.ETALASE_URL;
const SHOTS = new URL('../screenshots/', import.meta.url).pathname;
const PHONE = { viewport: { width: 390, height: 844 }, locale: 'id-ID', isMobile: true, hasTouch: true };

let browser;
before(async () => {
  assert.ok(BASE, 'ETALASE_URL is set by e2e/run');
  browser = await launch();
});
after(async () => browser && browser.close());

async function signIn(page, email, path) {
  await page.goto(`${BASE}${path}`);
  await page.getByLabel('Email').fill(email);
  await page.locator('input[name=password]').fill('etalase-demo');
  await page.getByRole('button', { name: 'Masuk' }).click();
}

const rupiah = (n) => 'Rp' + String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
const amount = (text) => Number(text.replace(/[^\d]/g, ''));

test('a seller runs a live, pins a product at a live price, and a buyer sees it change and buys through it', async () => {
  const seller = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'id-ID' });
  const page = await seller.newPage();
  await signIn(page, 'marketing@etalase.test', '/seller/signin');
  await page.waitForURL(/\/seller$/);

  // The demo's live is on air already; a new one is scheduled here.
  await page.goto(`${BASE}/seller/live`);
  assert.ok(await page.getByTestId('live-row').count() >= 1);
  await page.getByTestId('live-title').fill('Live uji coba: batik dan tenun');
  await page.getByTestId('live-stream-recorded').check();
  const picks = page.locator('[data-testid=live-product-pick]:not([disabled])');
  assert.ok(await picks.count() >= 3);
  for (let i = 0; i < 3; i++) { await picks.nth(i).check(); }
  assert.deepEqual(await seriousViolations(page), [], 'live list');
  await page.getByTestId('live-schedule-submit').click();
  await page.waitForURL(/\/seller\/live\/liv_.*notice=live_scheduled/);
  const consolePath = new URL(page.url()).pathname;
  const id = consolePath.split('/').pop();
  await page.getByTestId('live-go').click();
  await page.waitForURL(/notice=live_started/);
  assert.equal(await page.getByTestId('live-state').getAttribute('data-state'), 'live');

  // A buyer on a phone opens the live: nothing pinned yet.
  const buyerContext = await browser.newContext(PHONE);
  const phone = await buyerContext.newPage();
  await signIn(phone, 'pembeli@etalase.test', '/signin');
  await phone.waitForURL(`${BASE}/`);
  await phone.goto(`${BASE}/live/${id}`);
  assert.equal(await phone.getByTestId('pinned-title').count(), 0);
  // A marker that a reload would wipe.
  await phone.evaluate(() => { window.__sameLoad = true; });

  // Pinned in the console: it appears on the phone.
  const firstRow = page.getByTestId('live-sku').first();
  const product = await firstRow.getAttribute('data-product');
  await page.getByTestId('live-pin').first().click();
  await page.waitForURL(/notice=live_pinned/);
  await phone.getByTestId('pinned-title').waitFor();
  const before = amount(await phone.getByTestId('pinned-price').textContent());

  // The pinned product's cheapest SKU gets a live price below what it costs now.
  const rows = page.locator(`[data-testid=live-sku][data-product="${product}"]`);
  let cheapest = null;
  for (let i = 0; i < await rows.count(); i++) {
    const pays = amount(await rows.nth(i).getByTestId('live-pays').textContent());
    if (cheapest === null || pays < cheapest.pays) { cheapest = { row: rows.nth(i), pays }; }
  }
  assert.equal(cheapest.pays, before, 'the pin shows the cheapest price the console shows');
  const livePrice = Math.floor((before - 10000) / 1000) * 1000;
  const sku = await cheapest.row.getAttribute('data-sku');
  await cheapest.row.getByTestId('live-price-input').fill(String(livePrice));
  await cheapest.row.getByTestId('live-price-save').click();
  await page.waitForURL(/notice=live_price_set/);

  // The phone sees the new price, without a reload.
  await phone.waitForFunction((text) => {
    const el = document.querySelector('[data-testid=pinned-price]');
    return el && el.textContent.trim() === text;
  }, rupiah(livePrice));
  assert.equal(await phone.evaluate(() => window.__sameLoad), true, 'the page was not reloaded');
  assert.ok(await phone.evaluate((width) => document.documentElement.scrollWidth <= width, PHONE.viewport.width), 'the live page fits the phone');
  assert.deepEqual(await seriousViolations(phone), [], 'live page');
  await phone.screenshot({ path: `${SHOTS}live-phone.png` });
  await phone.screenshot({ path: `${SHOTS}live-phone-full.png`, fullPage: true });

  // Bought through the pin: the checkout charges the live price, and the
  // order remembers the live.
  await phone.getByTestId('pinned-sku').selectOption(sku);
  await phone.getByTestId('pinned-buy-now').click();
  await phone.waitForURL(/\/checkout/);
  assert.match(await phone.locator('main').textContent(), new RegExp(rupiah(livePrice).replace('.', '\\.')));
  await phone.getByTestId('place-order').click();
  await phone.waitForURL((url) => !url.pathname.startsWith('/checkout'));
  await phone.goto(`${BASE}/orders`);
  await phone.getByTestId('order-row').first().getByRole('link').first().click();
  assert.match(await phone.locator('main').textContent(), /Dari:\s*live/);
  await buyerContext.close();

  // The console counts it (its counters refresh by themselves).
  await page.goto(`${BASE}${consolePath}`);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=stat-orders]').textContent) >= 1, null, { timeout: 15000 });
  assert.deepEqual(await seriousViolations(page), [], 'live console');
  await page.screenshot({ path: `${SHOTS}live-console.png`, fullPage: true });
  await seller.close();
});
