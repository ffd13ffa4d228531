// The Shop on a phone: the home feed's cards with their prices, a product
// page from a card, its shop's page and the search inside the shop; search
// with completions, a correction and filters, down to a chosen variant.
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

test('a buyer on a phone searches with completions, a correction and filters, then picks a variant', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'id-ID' });
  const page = await context.newPage();
  await page.goto(`${BASE}/`);

  // Completions fill the header box's list while typing.
  const box = page.getByTestId('header-search');
  await box.pressSequentially('kaos po', { delay: 30 });
  await page.waitForFunction(() =>
    [...document.querySelectorAll('#header-q-suggestions option')].some((o) => o.value === 'kaos polos'));

  // A misspelling gets a correction that finds the shirt.
  await box.fill('kemeja batk');
  await box.press('Enter');
  await page.waitForURL(/\/search\?q=kemeja\+batk/);
  const better = page.getByTestId('did-you-mean');
  assert.match(await better.textContent(), /Mungkin maksud Anda:\s*kemeja batik/);
  await better.getByRole('link').click();
  await page.waitForURL(/q=kemeja\+batik/);
  assert.match(await page.getByTestId('product-card').first().textContent(), /Batik Sari Kemeja/);

  // Filters: ships from Jawa Tengah, free shipping; the card names its city.
  await page.getByTestId('header-search').fill('');
  await page.goto(`${BASE}/search`);
  await page.locator('details.search-filters summary').click();
  await page.getByTestId('search-province').selectOption({ label: 'Jawa Tengah' });
  await page.getByTestId('search-ongkir').check();
  await page.getByTestId('search-submit').click();
  await page.waitForURL(/province=33/);
  assert.match(page.url(), /ongkir=1/);
  // (Other browser tests may have published more of the demo shop's
  // products: all of them ship from Solo.)
  const cards = page.getByTestId('product-card');
  const shown = await cards.count();
  assert.ok(shown >= 2, `${shown} cards`);
  assert.deepEqual(new Set(await cards.getByTestId('card-city').allTextContents()), new Set(['Kota Surakarta']));
  assert.equal(await page.getByTestId('search-total').getAttribute('data-total'), String(shown));
  assert.match(await page.getByTestId('search-places').textContent(), new RegExp(`Jawa Tengah \\(${shown}\\)`));
  await page.screenshot({ path: `${SHOTS}shop-search-filters.png`, fullPage: true });
  assert.deepEqual(await seriousViolations(page), [], 'search page with filters');

  // Another province (the filters stay open while some are on): nothing
  // there, and the page says what to try.
  await page.getByTestId('search-province').selectOption({ label: 'Jawa Barat' });
  await page.getByTestId('search-submit').click();
  await page.waitForURL(/province=32/);
  await page.getByTestId('search-empty').waitFor();

  // Back to Jawa Tengah, open the shirt, pick a colour and size.
  await page.goBack();
  await page.waitForURL(/province=33/);
  await page.getByTestId('product-card').filter({ hasText: 'Batik Sari Kemeja' }).getByRole('link').first().click();
  await page.waitForURL(/\/p\/batik-sari-kemeja/);
  const picker = page.getByTestId('variant-picker');
  await picker.getByLabel('Biru Indigo').check();
  await picker.getByLabel('XL', { exact: true }).check();
  await picker.locator('[data-testid=variant-chosen][data-sku-stock]').waitFor();
  assert.match(await picker.getByTestId('variant-chosen').textContent(), /Biru Indigo \/ XL · Sisa 2/);
  const price = Number(await page.locator('article.product [data-testid=price-tag]').getAttribute('data-price'));
  assert.ok(price > 297500, `XL costs more than M (${price})`);
  await page.screenshot({ path: `${SHOTS}shop-search-variant.png`, fullPage: true });
  await context.close();
});
