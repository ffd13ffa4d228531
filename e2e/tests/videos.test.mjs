// A short video as a marketing member makes one: uploads a file (checked by
// its container), tags three products that are in the Shop, is warned that
// the caption names a price buyers would not pay, fixes it with the real
// price and publishes; a buyer on a phone sees it in the video feed with
// the same prices as the product pages and buys through it, and the order
// remembers the video.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from '../lib/browser.mjs';
import { seriousViolations } from '../lib/axe.mjs';

const BASE = process.env.ETALASE_URL;
const SHOTS = new URL('../screenshots/', import.meta.url).pathname;
const VIDEO = new URL('../../crates/domain/tests/fixtures/video/h264_aac_vertical_moov_end.mp4', import.meta.url).pathname;
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

test('a seller publishes a video past a price-claim warning and a buyer buys through it', async () => {
  const seller = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'id-ID' });
  const page = await seller.newPage();
  await signIn(page, 'marketing@etalase.test', '/seller/signin');
  await page.waitForURL(/\/seller$/);

  // The demo's draft already shows what a mismatched claim looks like.
  await page.goto(`${BASE}/seller/videos`);
  assert.ok(await page.getByTestId('video-row-mismatch').count() >= 1);
  assert.deepEqual(await seriousViolations(page), [], 'video list');

  await page.getByTestId('video-file').setInputFiles(VIDEO);
  await page.getByTestId('video-upload-submit').click();
  await page.waitForURL(/\/seller\/videos\/vid_.*notice=video_uploaded/);
  const videoPage = new URL(page.url()).pathname;
  assert.match(await page.getByTestId('video-facts').textContent(), /0:02 · 72×128 · MP4 · 8 KB/);

  // Three products that are in the Shop (any other says why it is not).
  const reachable = page.getByTestId('tag-choice').filter({ hasNot: page.locator('.badge.danger') });
  assert.ok(await reachable.count() >= 3);
  const prices = [];
  for (let i = 0; i < 3; i++) {
    const choice = reachable.nth(i);
    await choice.getByTestId('tag-pick').check();
    prices.push((await choice.getByTestId('tag-price').textContent()).match(/Rp[\d.]+/)[0]);
  }
  await page.getByTestId('video-caption').fill('Kemeja batik tulis cuma Rp1.000 aja! #batiksolo');
  await page.getByTestId('video-save').click();
  await page.waitForURL(/notice=video_saved/);
  await page.getByTestId('claim-mismatch').waitFor();
  assert.match(await page.getByTestId('claim-mismatch').textContent(), /Rp1\.000/);

  // Publishing asks first, and nothing is published.
  await page.getByTestId('video-publish').click();
  await page.getByTestId('video-confirm').waitFor();
  assert.equal(await page.getByTestId('video-state').getAttribute('data-state'), 'draft');
  await page.screenshot({ path: `${SHOTS}videos-claim-warning.png`, fullPage: true });

  // The page says what buyers pay for each tagged product: the seller
  // names that price instead.
  const real = prices[0];
  await page.goto(`${BASE}${videoPage}`);
  await page.getByTestId('video-caption').fill(`Kemeja batik tulis cuma ${real} aja! #batiksolo`);
  await page.getByTestId('video-save').click();
  await page.waitForURL(/notice=video_saved/);
  await page.getByTestId('claims-ok').waitFor();
  await page.getByTestId('video-publish').click();
  await page.waitForURL(/notice=video_published/);
  assert.equal(await page.getByTestId('video-state').getAttribute('data-state'), 'published');
  assert.deepEqual(await seriousViolations(page), [], 'video page');
  await page.screenshot({ path: `${SHOTS}videos-published.png`, fullPage: true });
  const id = videoPage.split('/').pop();
  await seller.close();

  // A buyer on a phone: the feed shows it first, with its three products.
  const buyer = await browser.newContext(PHONE);
  const phone = await buyer.newPage();
  await signIn(phone, 'pembeli@etalase.test', '/signin');
  await phone.waitForURL(`${BASE}/`);
  await phone.goto(`${BASE}/v`);
  const card = phone.locator(`[data-testid=video-card][data-video="${id}"]`);
  await card.waitFor();
  assert.equal(await card.getByTestId('tagged-product').count(), 3);
  assert.match(await card.getByTestId('video-caption').textContent(), new RegExp(real.replace('.', '\\.')));
  assert.ok(await phone.evaluate((width) => document.documentElement.scrollWidth <= width, PHONE.viewport.width), 'the feed fits the phone');
  assert.deepEqual(await seriousViolations(phone), [], 'video feed');
  await phone.screenshot({ path: `${SHOTS}videos-feed-phone.png` });

  // The price under the video is the product page's price.
  const first = card.getByTestId('tagged-product').first();
  const shown = await first.getByTestId('price-tag').getAttribute('data-price');
  const href = await first.getByTestId('tagged-link').getAttribute('href');
  assert.match(href, new RegExp(`src=video:${id}`));
  await phone.goto(`${BASE}${href}`);
  assert.equal(await phone.getByTestId('price-tag').first().getAttribute('data-price'), shown);
  await phone.getByTestId('video-strip').waitFor();

  // Bought from the video page: the order remembers the video.
  await phone.goto(`${BASE}/v/${id}`);
  await phone.getByTestId('tagged-add').first().click();
  await phone.waitForURL(/\/cart/);
  await phone.goto(`${BASE}/checkout`);
  await phone.getByTestId('place-order').click();
  await phone.waitForURL((url) => !url.pathname.startsWith('/checkout'));
  await phone.goto(`${BASE}/orders`);
  await phone.getByTestId('order-row').first().getByRole('link').first().click();
  assert.match(await phone.locator("main").textContent(), /Dari:\s*video/);
  assert.ok(await phone.evaluate((width) => document.documentElement.scrollWidth <= width, PHONE.viewport.width), 'the order page fits the phone');
  await phone.screenshot({ path: `${SHOTS}videos-order.png`, fullPage: true });
  await buyer.close();
});
