// Buying, in a phone's browser: a new buyer fills a cart from a product page
// (the line remembers the search it came from), signs up, adds an address,
// uses a shop voucher at checkout and pays by virtual account through the
// sandbox gateway; the demo buyer pays cash on delivery; a third buyer whose
// cart changed in another tab is shown the new total and confirms again.
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

/// The batik shirt's page, reached as from a search.
async function batikPage(page) {
  await page.goto(`${BASE}/search?q=batik`);
  const href = await page.locator('a[href^="/p/"]').filter({ hasText: 'Batik Sari Kemeja' }).first().getAttribute('href');
  await page.goto(`${BASE}${href}?src=search`);
}

async function addToCart(page, variant, quantity = '1') {
  const select = page.getByTestId('buy-sku');
  const value = await select.evaluate(
    (el, wanted) => [...el.options].find((o) => o.textContent.includes(wanted))?.value,
    variant,
  );
  assert.ok(value, `variant ${variant} offered`);
  await select.selectOption(value);
  await page.getByTestId('buy-quantity').fill(quantity);
  await page.getByTestId('add-to-cart').click();
  await page.waitForURL(/\/cart\?notice=cart_added/);
}

async function signUp(page, email) {
  await page.goto(`${BASE}/signup`);
  await page.getByLabel('Nama').fill('Pembeli Baru');
  await page.getByLabel('Email').fill(email);
  await page.locator('input[name=password]').fill('kopi-susu-gula-aren');
  await page.locator('input[name=password_confirmation]').fill('kopi-susu-gula-aren');
  await page.locator('form[action="/signup"] button[type=submit]').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/signup'));
}

async function addAddress(page, recipient) {
  await page.goto(`${BASE}/account/addresses?next=/checkout`);
  await page.locator('input[name=recipient]').fill(recipient);
  await page.locator('input[name=phone]').fill('0812 4444 5555');
  await page.locator('input[name=street]').fill('Jl. Kamal Raya No. 8, RT 02/RW 03');
  await page.getByTestId('district-code').fill('317301');
  await page.getByTestId('postal-code').fill('11730');
  await page.getByTestId('save-address').click();
  await page.waitForURL(/\/checkout\?notice=address_saved/);
}

test('a new buyer checks out with a voucher and pays by virtual account', async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await batikPage(page);
  await addToCart(page, 'Cokelat Sogan / XL');
  assert.equal(await page.getByTestId('cart-line').count(), 1);
  assert.deepEqual(await seriousViolations(page), [], 'cart');

  // The guest's cart survives signing up.
  await signUp(page, `va-${Date.now()}@contoh.id`);
  await page.goto(`${BASE}/cart`);
  assert.equal(await page.getByTestId('cart-line').count(), 1);

  await page.goto(`${BASE}/checkout`);
  assert.match(await page.locator('main').textContent(), /Pilih atau tambahkan alamat pengiriman/);
  await addAddress(page, 'Rina Wati');
  await page.getByTestId('voucher-input').fill('BATIKSARI10');
  await page.getByTestId('checkout-update').click();
  await page.getByTestId('discount-line').waitFor();
  assert.match(await page.getByTestId('discount-line').textContent(), /Rp/);
  assert.deepEqual(await seriousViolations(page), [], 'checkout');
  await page.screenshot({ path: `${SHOTS}checkout-summary.png`, fullPage: true });
  const total = await page.getByTestId('checkout-total').textContent();

  await page.getByTestId('place-order').click();
  // The sandbox gateway's hosted page: the amount is the confirmed total.
  await page.getByTestId('sandbox-banner').waitFor();
  assert.equal((await page.getByTestId('sandbox-amount').textContent()).trim(), total.trim());
  // Nothing on the hosted page is wider than the phone (long payment ids wrap).
  const phoneWidth = page.viewportSize().width;
  assert.ok(await page.evaluate((width) => document.documentElement.scrollWidth <= width, phoneWidth), 'sandbox page overflows the phone');
  await page.getByLabel(/BCA/).check();
  await page.locator('form[data-testid=sandbox-choose] button[type=submit]').click();
  await page.getByTestId('sandbox-va-number').waitFor();
  await page.screenshot({ path: `${SHOTS}checkout-sandbox-va.png`, fullPage: true });
  // Paying sends the signed notification and brings the buyer back.
  await page.getByTestId('sandbox-pay').click();
  await page.locator('[data-testid=payment-state][data-state=paid]').waitFor();
  await page.screenshot({ path: `${SHOTS}checkout-paid.png`, fullPage: true });

  await page.goto(`${BASE}/orders`);
  const row = page.getByTestId('order-row').first();
  assert.equal(await row.getAttribute('data-status'), 'awaiting_shipment');
  await row.getByRole('link').first().click();
  assert.match(await page.locator('main').textContent(), /pencarian/, 'the line remembers the search');
  await context.close();
});

test('the demo buyer pays cash on delivery', async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await page.goto(`${BASE}/signin`);
  await page.getByLabel('Email').fill('pembeli@etalase.test');
  await page.locator('input[name=password]').fill('etalase-demo');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL(`${BASE}/`);
  await batikPage(page);
  await addToCart(page, 'Cokelat Sogan / M');
  await page.getByTestId('to-checkout').click();
  await page.getByTestId('pay-cod').check();
  await page.getByTestId('checkout-update').click();
  await page.getByTestId('place-order').click();
  await page.waitForURL(/\/orders\?checkout=chk_.*notice=order_placed/);
  const row = page.getByTestId('order-row').first();
  assert.equal(await row.getAttribute('data-status'), 'awaiting_shipment');
  assert.deepEqual(await seriousViolations(page), [], 'orders');
  await page.screenshot({ path: `${SHOTS}checkout-cod-placed.png`, fullPage: true });
  await context.close();
});

test('a buyer whose cart changed after the summary confirms the new total', async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await batikPage(page);
  await addToCart(page, 'Cokelat Sogan / L');
  await signUp(page, `ubah-${Date.now()}@contoh.id`);
  await addAddress(page, 'Dewi Lestari');
  const shown = await page.getByTestId('checkout-total').textContent();

  // In another tab the buyer takes two instead of one.
  const other = await context.newPage();
  await other.goto(`${BASE}/cart`);
  await other.getByTestId('cart-quantity').fill('2');
  await other.getByRole('button', { name: 'Perbarui' }).click();
  await other.waitForURL(`${BASE}/cart`);

  await page.getByTestId('place-order').click();
  await page.getByTestId('quote-changed').waitFor();
  const text = await page.getByTestId('quote-changed').textContent();
  assert.ok(text.includes(shown.trim()), `old total shown: ${text}`);
  assert.match(await page.getByTestId('form-error').textContent(), /Pesanan belum dibuat/);
  await page.screenshot({ path: `${SHOTS}checkout-total-changed.png`, fullPage: true });
  await page.goto(`${BASE}/orders`);
  assert.equal(await page.getByTestId('orders-empty').count(), 1, 'nothing was placed');

  // Confirming the new summary places it.
  await page.goto(`${BASE}/checkout`);
  await page.getByTestId('place-order').click();
  await page.getByTestId('sandbox-banner').waitFor();
  await context.close();
});
