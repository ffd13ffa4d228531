// The Shop on a phone: the home feed's cards with their prices, a product
// page from a card, its shop's page and the search inside the shop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from '../lib/browser.mjs';
import { seriousViolations } from '../lib/axe.mjs';

const BASE = process.env.ETALASE_URL;
const SHOTS = new URL('../screenshots/', import.meta.url).pathname;

let browser;
before(async () => {
  assert.ok(BASE, 'ETALASE_URL is set by e2e/run');
  browser = await launch();
});
after(async () => browser && browser.close());

test('a buyer on a phone browses the feed, opens a product and searches its shop', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'id-ID' });
  const page = await context.newPage();
  await page.goto(`${BASE}/`);
  const feed = page.getByTestId('feed');
  const shirt = feed.getByTestId('product-card').filter({ hasText: 'Batik Sari Kemeja Batik Tulis' });
  await shirt.waitFor();
  assert.match(await shirt.getByTestId('shop-price').textContent(), /Rp297\.500/);
  assert.match(await shirt.getByTestId('price-badge').textContent(), /Diskon · -15%/);
  await page.screenshot({ path: `${SHOTS}shop-home.png`, fullPage: true });
  assert.deepEqual(await seriousViolations(page), [], 'home');

  await shirt.getByRole('link').first().click();
  await page.waitForURL(/\/p\/batik-sari-kemeja/);
  assert.equal(await page.locator('article.product [data-testid=price-tag]').getAttribute('data-price'), '297500');
  const ld = JSON.parse(await page.getByTestId('json-ld').textContent());
  assert.equal(ld.offers.price, 297500);
  assert.deepEqual(await seriousViolations(page), [], 'product page');

  // The T-shirt's picker: white is sold out in every size, so it cannot be
  // picked; black L shows that SKU's own price.
  await page.goto(`${BASE}/`);
  await page.getByTestId('feed').getByTestId('product-card').filter({ hasText: 'Kaos Polos' }).getByRole('link').first().click();
  await page.waitForURL(/\/p\/kaos-polos/);
  const picker = page.getByTestId('variant-picker');
  assert.equal(await picker.getByLabel('Putih').isDisabled(), true);
  await picker.getByLabel('Hitam').check();
  await picker.getByLabel('L', { exact: true }).check();
  await picker.locator('[data-testid=variant-chosen][data-sku-stock]').waitFor();
  assert.equal(await page.locator('article.product [data-testid=price-tag]').getAttribute('data-price'), '59000');
  assert.match(await picker.getByTestId('variant-chosen').textContent(), /Hitam \/ L · Sisa 40/);
  const head = page.locator('article.product [data-testid=price-tag]');
  for (const promo of ['price-badge', 'price-countdown', 'flash-left', 'price-strike']) {
    const node = head.getByTestId(promo);
    if (await node.count()) { assert.equal(await node.isVisible(), false, `${promo} belongs to another SKU`); }
  }
  await page.screenshot({ path: `${SHOTS}shop-variant-picker.png`, fullPage: true });
  assert.deepEqual(await seriousViolations(page), [], 'product page with a picker');

  // Search from the header: a word form and a typo still find the shirt;
  // the results' category facet narrows them.
  await page.getByTestId('header-search').fill('kemeja batikk');
  await page.getByTestId('header-search').press('Enter');
  await page.waitForURL(/\/search\?q=kemeja/);
  const results = page.getByTestId('product-card');
  assert.ok((await results.count()) >= 1);
  assert.match(await results.first().textContent(), /Batik Sari Kemeja/);
  await page.getByTestId('search-facets').getByRole('link').first().click();
  await page.waitForURL(/category=/);
  assert.ok((await page.getByTestId('product-card').count()) >= 1);
  await page.screenshot({ path: `${SHOTS}shop-search.png`, fullPage: true });
  assert.deepEqual(await seriousViolations(page), [], 'search page');

  await page.goto(`${BASE}/s/shop`);
  await page.getByTestId('shop-search').fill('kaos');
  await page.getByTestId('shop-search').press('Enter');
  await page.waitForURL(/\/s\/shop\?q=kaos/);
  const cards = page.getByTestId('product-card');
  assert.equal(await cards.count(), 1);
  assert.match(await cards.first().textContent(), /Kaos Polos/);
  await page.screenshot({ path: `${SHOTS}shop-page-search.png`, fullPage: true });
  assert.deepEqual(await seriousViolations(page), [], 'shop page');
  // The check itself sees what it should: an input without a label.
  await page.evaluate(() => document.body.appendChild(Object.assign(document.createElement('input'), { type: 'text' })));
  assert.ok((await seriousViolations(page)).some((v) => v.startsWith('label ')), 'axe reports a missing label');
  await context.close();
});
