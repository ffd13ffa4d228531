// Buyer–seller chat: a buyer on a phone taps "Chat penjual" on a product
// page, signs in, and asks with the product's card; the shop's operations
// member answers in Seller Center; the buyer reads the answer. The demo's
// chat gives the seller card its response rate, and the pages pass axe.
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

async function signIn(page, email) {
  await page.getByLabel('Email').fill(email);
  await page.locator('input[name=password]').fill('etalase-demo');
  await page.getByRole('button', { name: 'Masuk' }).click();
}

test('a buyer asks about a product from a phone and the shop answers', async () => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'id-ID' });
  const buyer = await phone.newPage();
  await buyer.goto(`${BASE}/`);
  await buyer.getByTestId('feed').getByTestId('product-card').filter({ hasText: 'Kaos Polos' }).getByRole('link').first().click();
  await buyer.waitForURL(/\/p\/kaos-polos/);
  const card = buyer.getByTestId('seller-card');
  // The demo's chat: two of three questions answered within 12 hours.
  assert.match(await card.getByTestId('seller-response').textContent(), /Chat dibalas 67%/);
  await card.screenshot({ path: `${SHOTS}chat-seller-card.png` });
  await card.getByTestId('chat-seller').click();

  // Signing in leads back to the chat, which goes on with the product's card.
  await buyer.waitForURL(/\/signin/);
  await signIn(buyer, 'pembeli@etalase.test');
  await buyer.waitForURL(/\/chat\/cnv_/);
  assert.match(await buyer.getByTestId('chat-asked-about').textContent(), /Kaos Polos/);
  assert.ok((await buyer.getByTestId('chat-message').count()) >= 8, 'the demo conversation');
  await buyer.getByTestId('chat-body').fill('Yang hitam ukuran L bisa dikirim hari ini?');
  await buyer.getByTestId('chat-send').click();
  await buyer.waitForURL(/#latest$/);
  const mine = buyer.getByTestId('chat-message').last();
  assert.equal(await mine.getAttribute('data-side'), 'buyer');
  assert.match(await mine.getByTestId('chat-product').textContent(), /Kaos Polos/);
  await buyer.screenshot({ path: `${SHOTS}chat-buyer-thread.png`, fullPage: true });
  assert.deepEqual(await seriousViolations(buyer), [], 'buyer thread');

  // Seller Center: the conversation waits; operations answers.
  const desk = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'id-ID' });
  const seller = await desk.newPage();
  await seller.goto(`${BASE}/seller/chat?unread=1`);
  await signIn(seller, 'operasional@etalase.test');
  await seller.waitForURL(/\/seller\/chat\?unread=1/);
  assert.match(await seller.getByTestId('chat-rate').textContent(), /67%/);
  const row = seller.getByTestId('chat-row').filter({ hasText: 'Andi Pembeli' });
  assert.equal(await row.getAttribute('data-unread'), '3');
  await seller.screenshot({ path: `${SHOTS}chat-seller-inbox.png`, fullPage: true });
  assert.deepEqual(await seriousViolations(seller), [], 'seller inbox');
  await row.getByRole('link').click();
  await seller.waitForURL(/\/seller\/chat\/cnv_/);
  await seller.getByTestId('chat-body').fill('Bisa kak, dikirim sore ini lewat SiCepat.');
  await seller.getByTestId('chat-send').click();
  await seller.waitForURL(/#latest$/);
  assert.equal(await seller.getByTestId('chat-message').last().getAttribute('data-side'), 'seller');
  await seller.screenshot({ path: `${SHOTS}chat-seller-thread.png`, fullPage: true });
  assert.deepEqual(await seriousViolations(seller), [], 'seller thread');
  // Answered at once: three of four now.
  await seller.goto(`${BASE}/seller/chat`);
  assert.match(await seller.getByTestId('chat-rate').textContent(), /75%/);

  // The buyer's inbox shows the answer as new, and the thread shows it.
  await buyer.goto(`${BASE}/chat`);
  const inbox = buyer.getByTestId('chat-row').filter({ hasText: 'Shop Demo' });
  assert.equal(await inbox.getAttribute('data-unread'), '1');
  assert.deepEqual(await seriousViolations(buyer), [], 'buyer inbox');
  await inbox.getByRole('link').click();
  await buyer.waitForURL(/\/chat\/cnv_/);
  assert.match(await buyer.getByTestId('chat-message').last().textContent(), /dikirim sore ini/);
  await buyer.screenshot({ path: `${SHOTS}chat-buyer-answered.png`, fullPage: true });
  await desk.close();
  await phone.close();
});
