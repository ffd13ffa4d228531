// A seller signs up, invites a team member who joins, switches the language
// and signs out — in a real Chromium, phone and desktop sized.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const BASE = process.env.ETALASE_URL;
const SHOTS = new URL('../screenshots/', import.meta.url).pathname;
const stamp = Date.now().toString(36);
const owner = { name: 'Sari Wulandari', email: `sari-${stamp}@contoh.id`, password: 'kopi susu gula aren' };
const member = { name: 'Dewi Lestari', email: `dewi-${stamp}@contoh.id`, password: 'teh manis hangat 1' };
const shop = { name: 'Batik Sari', slug: `batik-sari-${stamp}` };

let browser;
before(async () => {
  assert.ok(BASE, 'ETALASE_URL is set by e2e/run');
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
});
after(async () => browser && browser.close());

async function desktop() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'id-ID' });
  return context.newPage();
}

test('the Shop home renders phone first', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'id-ID', isMobile: true });
  const page = await context.newPage();
  await page.goto(`${BASE}/`);
  assert.equal(await page.getAttribute('html', 'lang'), 'id');
  await page.getByRole('link', { name: 'Daftar' }).waitFor();
  await page.getByTestId('feed').getByTestId('product-card').first().waitFor();
  assert.ok((await page.getByTestId('feed').getByText('Shop Demo').count()) > 0, 'cards name their shop');
  await page.screenshot({ path: `${SHOTS}shop-home-phone.png`, fullPage: true });
  await context.close();
});

test('a seller signs up, invites a member, switches language and signs out', async () => {
  const page = await desktop();
  await page.goto(`${BASE}/seller`);
  assert.match(page.url(), /\/seller\/signin\?next=%2Fseller$/);
  await page.getByRole('link', { name: 'Daftar sebagai penjual' }).click();

  // Sign-up with one mistake first: every problem is reported, input kept.
  await page.getByLabel('Nama', { exact: true }).fill(owner.name);
  await page.getByLabel('Email').fill(owner.email);
  await page.locator('input[name=password]').fill('pendek');
  await page.locator('input[name=password_confirmation]').fill('pendek');
  await page.getByLabel('Nama toko').fill(shop.name);
  await page.locator('input[name=shop_slug]').fill(shop.slug);
  await page.getByRole('button', { name: 'Buat toko' }).click();
  await page.getByText('Kata sandi minimal 10 karakter.').waitFor();
  assert.equal(await page.getByLabel('Email').inputValue(), owner.email);
  await page.screenshot({ path: `${SHOTS}seller-signup-errors.png`, fullPage: true });
  await page.locator('input[name=password]').fill(owner.password);
  await page.locator('input[name=password_confirmation]').fill(owner.password);
  await page.getByRole('button', { name: 'Buat toko' }).click();

  await page.waitForURL(/\/seller\?notice=shop_opened$/);
  await page.getByText('Toko Anda dibuat').waitFor();
  assert.equal(await page.getByTestId('shop-name').textContent(), shop.name);
  await page.getByTestId('shop-status').getByText('Menunggu verifikasi').waitFor();
  await page.screenshot({ path: `${SHOTS}seller-dashboard.png`, fullPage: true });

  // Invite a marketing member.
  await page.getByRole('link', { name: 'Tim' }).click();
  await page.getByLabel('Email').fill(member.email);
  await page.getByLabel('Peran').last().selectOption('marketing');
  await page.getByRole('button', { name: 'Kirim undangan' }).click();
  const link = await page.getByTestId('invite-link').inputValue();
  assert.match(link, /\/seller\/invitations\/[A-Za-z0-9_-]{43}$/);
  await page.getByTestId('invitations').getByText(member.email).waitFor();
  await page.screenshot({ path: `${SHOTS}seller-team-invited.png`, fullPage: true });

  // The member opens the link in their own browser, creates an account, joins.
  const invitee = await desktop();
  await invitee.goto(link.replace(/^https?:\/\/[^/]+/, BASE));
  await invitee.getByTestId('invitation-text').getByText(shop.name).waitFor();
  await invitee.getByTestId('invitation-signup').click();
  await invitee.getByLabel('Nama', { exact: true }).fill(member.name);
  await invitee.getByLabel('Email').fill(member.email);
  await invitee.locator('input[name=password]').fill(member.password);
  await invitee.locator('input[name=password_confirmation]').fill(member.password);
  await invitee.getByRole('button', { name: 'Daftar' }).click();
  await invitee.getByTestId('accept-invitation').click();
  await invitee.waitForURL(/\/seller\?notice=joined_team$/);
  await invitee.getByText('Selamat datang di tim!').waitFor();
  await invitee.getByText('Peran Anda: Marketing').waitFor();
  // Marketing sees catalog work, not the team's keys.
  assert.equal(await invitee.locator('a[href="/seller/api-keys"]').count(), 0);
  await invitee.screenshot({ path: `${SHOTS}member-dashboard.png`, fullPage: true });
  await invitee.context().close();

  // The owner sees the new member, then switches to English.
  await page.goto(`${BASE}/seller/team`);
  await page.getByTestId('members').getByText(member.email).waitFor();
  await page.getByTestId('lang-switch').click();
  await page.getByRole('heading', { name: 'Shop team' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.screenshot({ path: `${SHOTS}seller-team-english.png`, fullPage: true });

  // Sign out: back at the door, in English, and the Seller Center is closed.
  await page.getByTestId('signout').click();
  await page.waitForURL(/\/seller\/signin\?notice=signed_out$/);
  await page.getByText('You are signed out.').waitFor();
  await page.screenshot({ path: `${SHOTS}seller-signed-out.png`, fullPage: true });
  await page.goto(`${BASE}/seller/team`);
  assert.match(page.url(), /\/seller\/signin\?next=/);
  await page.context().close();
});

test('demo accounts sign in to each surface', async () => {
  const page = await desktop();
  await page.goto(`${BASE}/admin`);
  await page.getByLabel('Email').fill('admin@etalase.test');
  await page.getByLabel('Kata sandi').fill('etalase-demo');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL(`${BASE}/admin`);
  await page.getByRole('heading', { name: 'Admin etalase' }).waitFor();
  await page.screenshot({ path: `${SHOTS}admin-dashboard.png`, fullPage: true });
  await page.context().close();
});
