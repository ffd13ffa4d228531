// A flash sale as a marketing member runs it: the demo's running flash sale
// is stopped (a shop runs one slot at a time), a new one is checked — the
// price under the platform floor is refused with the reason — fixed and
// scheduled, and a buyer on a phone sees the flash price with its countdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from '../lib/browser.mjs';

const BASE = process.env.ETALASE_URL;
const SHOTS = new URL('../screenshots/', import.meta.url).pathname;

let browser;
before(async () => {
  assert.ok(BASE, 'ETALASE_URL is set by e2e/run');
  browser = await launch();
});
after(async () => browser && browser.close());

/// A `datetime-local` value in WIB, `minutes` from now.
function wib(minutes) {
  return new Date(Date.now() + 7 * 3600 * 1000 + minutes * 60 * 1000).toISOString().slice(0, 16);
}

test('a seller schedules a flash sale past the floor warning and a buyer sees it with its countdown', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'id-ID' });
  const page = await context.newPage();
  await page.goto(`${BASE}/seller/signin`);
  await page.getByLabel('Email').fill('marketing@etalase.test');
  await page.locator('input[name=password]').fill('etalase-demo');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL(/\/seller$/);

  // The running demo flash sale is stopped first.
  await page.goto(`${BASE}/seller/promotions`);
  await page.getByTestId('promotion-row').filter({ hasText: 'Flash Sale Kaos Hitam' }).getByRole('link').click();
  await page.getByTestId('promotion-deactivate').click();
  await page.waitForURL(/notice=promotion_deactivated/);
  assert.equal(await page.getByTestId('promotion-state').getAttribute('data-state'), 'deactivated');

  // A new flash sale on the grey T-shirt, S: Rp1.500 is under the floor.
  await page.goto(`${BASE}/seller/promotions`);
  await page.getByTestId('new-flash-sale').click();
  await page.getByTestId('promotion-name').fill('Flash Sale Kaos Abu');
  await page.getByTestId('promotion-starts').fill(wib(-1));
  await page.getByTestId('promotion-ends').fill(wib(120));
  await page.getByTestId('promotion-limit').fill('2');
  const row = page.getByTestId('promotion-sku').filter({ hasText: 'Abu / S' });
  await row.getByTestId('promotion-sku-pick').check();
  await row.getByTestId('promotion-sku-value').fill('1.500');
  await row.getByTestId('promotion-sku-quota').fill('5');
  await page.getByTestId('promotion-review').click();
  const finding = page.locator('[data-testid=finding][data-finding=below_floor]');
  await finding.waitFor();
  assert.match(await finding.textContent(), /di bawah batas minimum platform Rp2\.000/);
  await page.screenshot({ path: `${SHOTS}pricing-floor-warning.png`, fullPage: true });

  // Scheduling it anyway is refused on the row, and nothing is saved.
  await page.getByTestId('promotion-schedule').click();
  await page.getByTestId('sku-error').first().waitFor();

  // Fixed: Rp45.000, the price changes listed, then scheduled.
  const fixed = page.getByTestId('promotion-sku').filter({ hasText: 'Abu / S' });
  await fixed.getByTestId('promotion-sku-value').fill('45.000');
  await page.getByTestId('promotion-review').click();
  await page.getByTestId('price-changes').waitFor();
  assert.equal(await page.locator('[data-testid=finding][data-finding=below_floor]').count(), 0);
  assert.match(await page.getByTestId('price-changes').textContent(), /Rp59\.000[\s\S]*Rp45\.000/);
  await page.getByTestId('promotion-schedule').click();
  await page.waitForURL(/notice=promotion_scheduled/);
  assert.equal(await page.getByTestId('promotion-state').getAttribute('data-state'), 'ongoing');
  await page.screenshot({ path: `${SHOTS}pricing-flash-sale-seller.png`, fullPage: true });

  // The product's Shop page, from the catalog.
  await page.goto(`${BASE}/seller/products?q=Kaos`);
  await page.getByTestId('product-row').filter({ hasText: 'Kaos Polos' }).getByRole('link').first().click();
  await page.waitForURL(/\/seller\/products\/prd_/);
  const shopLink = await page.getByTestId('view-in-shop').getAttribute('href');

  // A buyer on a phone: the flash price, the struck normal price, the badge
  // and a countdown that ticks.
  const buyer = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'id-ID' });
  const shop = await buyer.newPage();
  const head = shop.locator('article.product [data-testid=price-tag]');
  await shop.goto(`${BASE}${shopLink}`);
  // The projector is woken by the commit; the page may have been rendered first.
  for (let i = 0; i < 20 && (await head.getAttribute('data-price')) !== '45000'; i++) {
    await shop.waitForTimeout(150);
    await shop.reload();
  }
  assert.equal(await head.getAttribute('data-price'), '45000');
  assert.match(await head.getByTestId('shop-price').textContent(), /Rp45\.000/);
  assert.match(await head.getByTestId('price-strike').textContent(), /Rp59\.000/);
  assert.match(await head.getByTestId('price-badge').textContent(), /Flash Sale · -23%/);
  const countdown = head.getByTestId('price-countdown');
  await head.locator('[data-testid=price-countdown][data-counting=yes]').waitFor();
  const first = await countdown.textContent();
  assert.match(first, /^Berakhir dalam \d\d:\d\d:\d\d$/);
  await shop.waitForTimeout(1100);
  assert.notEqual(await countdown.textContent(), first, 'the countdown ticks');
  assert.match(await head.getByTestId('flash-left').textContent(), /Sisa 5 dengan harga flash/);
  await shop.screenshot({ path: `${SHOTS}pricing-flash-sale-buyer.png`, fullPage: true });
  await buyer.close();
  await context.close();
});
