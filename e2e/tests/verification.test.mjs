// A new seller fills the verification wizard and uploads documents; an admin
// rejects one document with a reason; the seller fixes it and resubmits; the
// admin approves; the seller sees "Terverifikasi". In a real Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.env.ETALASE_URL;
const SHOTS = new URL('../screenshots/', import.meta.url).pathname;
const stamp = Date.now().toString(36);
const seller = { email: `rina-${stamp}@contoh.id`, password: 'teh manis hangat 2', slug: `kain-${stamp}` };

let browser;
const photos = {};
before(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  // Sharp card-like pictures, drawn by the browser itself.
  const dir = mkdtempSync(join(tmpdir(), 'etalase-e2e-docs-'));
  const page = await browser.newPage({ viewport: { width: 1000, height: 640 } });
  for (const [name, color] of [['ktp', '#1e5aa0'], ['selfie', '#a0522d'], ['npwp', '#c8a028'], ['ktp2', '#2060c0']]) {
    await page.setContent(`<body style="margin:0"><div style="width:1000px;height:640px;background:
      repeating-linear-gradient(0deg, #222 0 3px, #fafafa 3px 14px), ${color}; border:24px solid ${color}; box-sizing:border-box"></div></body>`);
    photos[name] = join(dir, `${name}.png`);
    await page.screenshot({ path: photos[name] });
  }
  await page.close();
});
after(async () => browser && browser.close());

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'id-ID' });
  return context.newPage();
}

async function signInAdmin() {
  const admin = await newPage();
  await admin.goto(`${BASE}/admin/signin`);
  await admin.locator('input[name=email]').fill('admin@etalase.test');
  await admin.locator('input[name=password]').fill('etalase-demo');
  await admin.getByRole('button', { name: 'Masuk' }).click();
  await admin.waitForURL(`${BASE}/admin`);
  return admin;
}

async function decide(admin, shopName, decision, finding) {
  await admin.goto(`${BASE}/admin/verifications`);
  await admin.getByRole('link', { name: shopName }).click();
  if (finding) {
    await admin.getByTestId('finding-field-0').selectOption(finding.field);
    await admin.getByTestId('finding-reason-0').selectOption(finding.reason);
    await admin.locator('input[name=finding_note]').first().fill(finding.note);
  }
  await admin.getByTestId(`decision-${decision}`).click();
  await admin.waitForURL(/notice=decision_saved/);
}

test('a seller is verified after fixing a rejected document', async () => {
  const page = await newPage();
  await page.goto(`${BASE}/seller/signup`);
  await page.locator('input[name=name]').fill('Rina Wijaya');
  await page.locator('input[name=email]').fill(seller.email);
  await page.locator('input[name=password]').fill(seller.password);
  await page.locator('input[name=password_confirmation]').fill(seller.password);
  await page.locator('input[name=shop_name]').fill('Kain Rina');
  await page.locator('input[name=shop_slug]').fill(seller.slug);
  await page.getByRole('button', { name: 'Buat toko' }).click();
  await page.waitForURL(/\/seller\?notice=shop_opened/);

  await page.getByRole('link', { name: 'Verifikasi' }).click();
  await page.getByTestId('verification-state').getByText('Belum diajukan', { exact: true }).waitFor();
  await page.screenshot({ path: `${SHOTS}kyc-overview-draft.png`, fullPage: true });

  // Step by step; each save moves to the next step.
  await page.getByTestId('step-shop').click();
  await page.locator('select[name=category_focus]').selectOption('fashion');
  await page.getByTestId('save-step').click();
  await page.locator('input[name=business_type][value=individual]').check();
  await page.getByTestId('save-step').click();
  await page.locator('input[name=full_name]').fill('Rina Wijaya');
  await page.locator('input[name=nik]').fill('3201015205950002');
  await page.locator('input[name=birth_date]').fill('1995-05-12');
  await page.locator('input[name=gender][value=female]').check();
  await page.getByTestId('save-step').click();
  await page.locator('input[name=npwp]').fill('09.254.294.3-407.000');
  await page.getByTestId('save-step').click();

  const business = page.locator('fieldset.address[data-kind=business]');
  await business.locator('input[name=business_street]').fill('Jl. Pajajaran No. 10, RT 02/RW 03');
  await business.locator('[data-level=province]').selectOption('32');
  await business.locator('[data-level=regency] option[value="3201"]').waitFor({ state: 'attached' });
  await business.locator('[data-level=regency]').selectOption('3201');
  await business.locator('[data-level=district] option[value="320101"]').waitFor({ state: 'attached' });
  await business.locator('[data-level=district]').selectOption('320101');
  assert.equal(await business.locator('input[name=business_district]').inputValue(), '320101');
  await business.locator('input[name=business_postal_code]').fill('16810');
  await business.locator('input[name=business_phone]').fill('0812-3456-7890');
  await page.screenshot({ path: `${SHOTS}kyc-addresses.png`, fullPage: true });
  await page.getByTestId('save-step').click();

  await page.locator('select[name=bank]').selectOption('bca');
  await page.locator('input[name=account_number]').fill('8730123456');
  await page.locator('input[name=holder_name]').fill('RINA WIJAYA');
  await page.getByTestId('save-step').click();

  // Documents: one upload form per slot.
  await page.waitForURL(/\/seller\/verification\/documents/);
  for (const [slot, file] of [['ktp_photo', photos.ktp], ['selfie_with_ktp', photos.selfie], ['npwp_card', photos.npwp]]) {
    const box = page.getByTestId(`document-${slot}`);
    await box.locator('input[type=file]').setInputFiles(file);
    await box.locator('button[type=submit]').click();
    await page.waitForURL(/notice=document_saved/);
    await page.getByTestId(`document-${slot}`).locator('img').waitFor();
  }
  await page.screenshot({ path: `${SHOTS}kyc-documents.png`, fullPage: true });

  await page.getByRole('link', { name: 'Kembali ke ringkasan' }).click();
  await page.getByTestId('submit-verification').click();
  await page.waitForURL(/notice=verification_submitted/);
  await page.getByTestId('decision-due').waitFor();
  await page.screenshot({ path: `${SHOTS}kyc-submitted.png`, fullPage: true });

  // The admin rejects the KTP photo with a reason.
  const admin = await signInAdmin();
  await admin.goto(`${BASE}/admin/verifications`);
  await admin.getByTestId('verification-queue').getByText('Kain Rina').waitFor();
  await admin.screenshot({ path: `${SHOTS}admin-queue.png`, fullPage: true });
  await decide(admin, 'Kain Rina', 'reject', { field: 'ktp_photo', reason: 'photo_blurry', note: 'Foto KTP kurang jelas, mohon foto ulang' });
  await admin.screenshot({ path: `${SHOTS}admin-case-rejected.png`, fullPage: true });

  // The seller sees why, fixes the document and resubmits.
  await page.goto(`${BASE}/seller/verification`);
  await page.getByTestId('findings').getByText('Foto KTP kurang jelas, mohon foto ulang').waitFor();
  await page.screenshot({ path: `${SHOTS}kyc-rejected.png`, fullPage: true });
  await page.getByTestId('findings').getByRole('link', { name: 'Perbaiki' }).click();
  const ktp = page.getByTestId('document-ktp_photo');
  await ktp.locator('input[type=file]').setInputFiles(photos.ktp2);
  await ktp.locator('button[type=submit]').click();
  await page.waitForURL(/notice=document_saved/);
  await page.goto(`${BASE}/seller/verification`);
  await page.getByTestId('submit-verification').click();
  await page.waitForURL(/notice=verification_submitted/);

  // Approved, and the seller sees it.
  await decide(admin, 'Kain Rina', 'approve');
  await page.goto(`${BASE}/seller/verification`);
  await page.getByTestId('verification-state').getByText('Terverifikasi', { exact: true }).waitFor();
  await page.screenshot({ path: `${SHOTS}kyc-approved.png`, fullPage: true });
  // The rejection and the approval wait as in-app notices; opening one reads it.
  assert.equal(await page.getByTestId('unread-count').textContent(), '2');
  await page.getByTestId('notifications-link').click();
  await page.getByTestId('notifications').getByText(/sudah terverifikasi/).click();
  await page.waitForURL(/\/seller\/verification$/);
  assert.equal(await page.getByTestId('unread-count').textContent(), '1');
  await page.goto(`${BASE}/seller/notifications`);
  await page.screenshot({ path: `${SHOTS}notifications.png`, fullPage: true });
  await page.getByTestId('mark-all-read').click();
  await page.waitForURL(/notice=all_read/);
  assert.equal(await page.getByTestId('unread-count').count(), 0);
  await admin.context().close();
  await page.context().close();
});
