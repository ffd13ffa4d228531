// A seller creates a product with 2 × 3 variants and photos, watches the
// quality score rise while fixing the checklist, and publishes it; a stale
// edit by a second tab shows what changed. In a real Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch } from '../lib/browser.mjs';
import { photo } from '../lib/png.mjs';

const BASE = process.env.ETALASE_URL;
const SHOTS = new URL('../screenshots/', import.meta.url).pathname;
const files = mkdtempSync(join(tmpdir(), 'etalase-catalog-'));

let browser;
before(async () => {
  assert.ok(BASE, 'ETALASE_URL is set by e2e/run');
  browser = await launch();
});
after(async () => browser && browser.close());


async function signedIn() {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'id-ID' });
  const page = await context.newPage();
  await page.goto(`${BASE}/seller/signin`);
  await page.getByLabel('Email').fill('pemilik@etalase.test');
  await page.locator('input[name=password]').fill('etalase-demo');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL(/\/seller$/);
  return page;
}

async function score(page) {
  return Number(await page.getByTestId('quality-score').textContent());
}

test('a seller builds a 2 × 3 product, raises its score and publishes it', async () => {
  const page = await signedIn();
  await page.getByRole('link', { name: 'Produk' }).first().click();
  await page.getByTestId('new-product').click();

  await page.getByTestId('title').fill('Kemeja batik');
  await page.getByTestId('category').selectOption('batik-kain-tradisional/batik/kemeja');
  // Choosing a category refreshes the form with its attributes.
  await page.getByTestId('attr-teknik_batik').waitFor();
  await page.getByTestId('option-name').nth(0).fill('Warna');
  await page.getByTestId('option-values').nth(0).fill('Merah, Biru');
  await page.getByTestId('option-name').nth(1).fill('Ukuran');
  await page.getByTestId('option-values').nth(1).fill('M, L, XL');
  await page.getByTestId('refresh-matrix').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=sku-row]').length === 6);
  const rows = page.getByTestId('sku-row');
  for (let i = 0; i < 6; i++) {
    const row = rows.nth(i);
    await row.getByTestId('sku-price').fill(i < 3 ? '150.000' : '155rb');
    await row.getByTestId('sku-stock').fill(String(5 + i));
    await row.getByTestId('sku-weight').fill('300');
    await row.getByTestId('sku-length').fill('30');
    await row.getByTestId('sku-width').fill('20');
    await row.getByTestId('sku-height').fill('3');
  }
  // One mistake: a price under Rp100 is refused on its own cell, nothing saved.
  await rows.nth(5).getByTestId('sku-price').fill('50');
  await page.getByTestId('save').click();
  await page.getByText('Harga harus antara Rp100 dan Rp100.000.000').waitFor();
  assert.equal(await page.getByTestId('sku-row').count(), 6, 'the typed rows are kept');
  await page.getByTestId('sku-row').nth(5).getByTestId('sku-price').fill('155rb');
  await page.getByTestId('save').click();
  await page.waitForURL(/\/seller\/products\/prd_\w+\?notice=product_created/);
  const first = await score(page);
  await page.screenshot({ path: `${SHOTS}catalog-draft.png`, fullPage: true });

  // Photos: the first on white, more to reach five.
  for (let n = 0; n < 5; n++) {
    const file = join(files, `foto-${n}.png`);
    writeFileSync(file, photo(n === 0 ? 900 : 700, 40 * n));
    await page.getByTestId('image-file').setInputFiles(file);
    await page.getByTestId('image-upload').click();
    await page.waitForURL(/notice=image_added/);
  }
  assert.equal(await page.getByTestId('image').count(), 5);
  const withPhotos = await score(page);
  assert.ok(withPhotos > first, `${withPhotos} > ${first}`);

  // Fix the rest of the checklist.
  await page.getByTestId('title').fill('Batik Sari Kemeja Batik Cap Pria Lengan Pendek Katun Halus');
  await page.locator('input[name=brand]').fill('Batik Sari');
  await page.getByTestId('description-editor').click();
  await page.keyboard.type('Kemeja batik tulis asli dari Solo, dibuat oleh pengrajin berpengalaman dengan bahan katun primisima yang adem dan nyaman dipakai seharian. Motif parang klasik diwarnai dengan pewarna alami sehingga warnanya lembut dan tidak mudah luntur.');
  await page.getByTestId('bullets').fill('Katun primisima\nPewarna alami\nJahitan rapi');
  await page.getByTestId('tags').fill('batik, kemeja pria, batik tulis');
  await page.getByTestId('attr-bahan').fill('Katun primisima');
  await page.getByTestId('attr-teknik_batik').selectOption('tulis');
  await page.getByTestId('save').click();
  await page.waitForURL(/notice=saved/);
  const fixed = await score(page);
  assert.ok(fixed > withPhotos, `${fixed} > ${withPhotos}`);
  assert.ok(fixed >= 85, `excellent after the fixes: ${fixed}`);
  await page.screenshot({ path: `${SHOTS}catalog-fixed.png`, fullPage: true });

  await page.getByTestId('publish').click();
  await page.waitForURL(/notice=product_published/);
  assert.equal(await page.getByTestId('product-status').textContent(), 'Aktif');

  // The list shows it with its score and stock.
  await page.goto(`${BASE}/seller/products?status=active`);
  const listed = page.getByTestId('product-row').filter({ hasText: 'Kemeja Batik Cap Pria Lengan Pendek' });
  await listed.waitFor();
  assert.match(await listed.textContent(), /Rp150\.000 – Rp155\.000/);
  await page.screenshot({ path: `${SHOTS}catalog-list.png`, fullPage: true });
  await page.context().close();
});

test('a stale save in a second tab shows what the first one changed', async () => {
  const page = await signedIn();
  await page.goto(`${BASE}/seller/products`);
  await page.getByTestId('product-row').first().getByRole('link').first().click();
  const url = page.url();
  const other = await page.context().newPage();
  await other.goto(url);
  const price = other.getByTestId('sku-row').first().getByTestId('sku-price');
  await price.fill('99.000');
  await other.getByTestId('save').click();
  await other.waitForURL(/notice=saved/);

  await page.getByTestId('title').fill((await page.getByTestId('title').inputValue()) + ' Terbaru');
  await page.getByTestId('save').click();
  await page.getByTestId('conflict').waitFor();
  assert.match(await page.getByTestId('conflict').textContent(), /99000/);
  await page.screenshot({ path: `${SHOTS}catalog-conflict.png`, fullPage: true });
  // Saving again, having seen it, goes through.
  await page.getByTestId('save').click();
  await page.waitForURL(/notice=saved/);
  await page.context().close();
});

test('a seller imports a CSV with two bad rows and sees their errors', async () => {
  const page = await signedIn();
  await page.goto(`${BASE}/seller/products`);
  await page.getByTestId('import-link').click();
  const sheet = join(files, 'produk.csv');
  writeFileSync(sheet, [
    'Kunci Produk;Nama Produk;Kategori;Nama Varian 1;Pilihan Varian 1;Kode SKU;Harga;Stok;Berat (gram);Panjang (cm);Lebar (cm);Tinggi (cm);Atribut;Foto',
    'SRG;Sarung Tenun Samarinda Motif Kotak;fashion-muslim/sarung;Warna;Hijau;SRG-H;185.000;8;450;30;20;5;"bahan=Katun";foto/sarung-depan.png',
    'SRG;;;Warna;Merah;SRG-M;185.000;6;450;30;20;5;;sarung-belakang.png',
    'PECI;Peci Hitam Beludru Nasional;fashion-muslim/peci-kopiah;;;PECI-1;0;20;120;20;12;10;"bahan=Beludru";',
    'KAIN;Kain Batik Cap Motif Parang;;;;KAIN-1;95.000;-4;300;30;20;2;;',
  ].join('\n'));
  const front = join(files, 'sarung-depan.png');
  const back = join(files, 'Sarung-Belakang.PNG');
  writeFileSync(front, photo(640, 40));
  writeFileSync(back, photo(600, 200));
  await page.getByTestId('import-file').setInputFiles(sheet);
  // The photos the Foto column names travel with the sheet.
  await page.getByTestId('import-photos').setInputFiles([front, back]);
  await page.getByTestId('import-submit').click();
  await page.waitForURL(/\/seller\/products\/import\/imp_/);
  await page.locator('[data-testid=import-job][data-status=done]').waitFor({ timeout: 15000 });
  const problems = page.getByTestId('import-problem');
  assert.equal(await problems.count(), 2);
  assert.match(await problems.nth(0).textContent(), /4\s*Harga\s*Harga harus antara Rp100/);
  assert.match(await problems.nth(1).textContent(), /5\s*Stok\s*Stok harus bilangan bulat/);
  assert.match(await page.getByTestId('import-counts').textContent(), /1 produk dibuat/);
  await page.screenshot({ path: `${SHOTS}catalog-import.png`, fullPage: true });
  await page.goto(`${BASE}/seller/products?q=SRG`);
  const row = page.getByTestId('product-row').filter({ hasText: 'Sarung Tenun Samarinda' });
  await row.waitFor();
  // Its two photos arrived: the first is the thumbnail of the list.
  const thumb = row.locator('td.thumb img');
  await thumb.waitFor();
  assert.ok(await thumb.evaluate((img) => img.complete && img.naturalWidth > 0));
  await row.getByRole('link').first().click();
  await page.waitForURL(/\/seller\/products\/prd_/);
  assert.match(await page.locator('h2', { hasText: /Foto/ }).first().textContent(), /2\/9/);
  await page.screenshot({ path: `${SHOTS}catalog-import-photos.png`, fullPage: true });
  await page.context().close();
});
