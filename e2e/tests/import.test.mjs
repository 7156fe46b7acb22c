// Importing a register from a CSV file in the browser: a file with an error shows the problem by row
// and column and imports nothing; the corrected file, previewed again, imports. The file is chosen
// once per preview: the import step sends back the bytes the preview carried. The imported record
// that lacks a retention rule is then found among the gaps of its organisation.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertAudited, audit, launch, newPage, signIn, submit, unique, visit,
} from './helpers.mjs';

const KEEPER = 'fatima.hassan@sjostad.se';

/** A small Draftit-style register; `basis` is the legal basis of the second row. */
function csv(prefix, basis) {
  return [
    'ID;Behandling;Ändamål;Rättslig grund;Kategorier av registrerade;Kategorier av personuppgifter;Personnummer;Lagringstid',
    `${prefix}-1;${prefix} Diarium;Registrering av allmänna handlingar;c;Medborgare;Namn;Ja;Bevaras`,
    `${prefix}-2;${prefix} Synpunkter;Hantera synpunkter och klagomål;${basis};Medborgare;Namn;Nej;`,
    '',
  ].join('\r\n');
}

async function upload(page, prefix, basis) {
  await visit(page, '/behandlingar/import');
  const form = page.locator('#import-form');
  assert.match(await form.locator('#import-organisation option:checked').innerText(), /^Stadsledningskontoret /);
  await form.getByLabel('Fil').setInputFiles({
    name: 'register.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv(prefix, basis), 'utf8'),
  });
  return submit(page, form.getByRole('button', { name: 'Förhandsgranska' }));
}

describe('import of a register', () => {
  let browser;

  before(async () => {
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
  });

  test('a file with an error imports nothing; the corrected file imports', async () => {
    const page = await newPage(browser);
    await signIn(page, KEEPER);
    const prefix = unique('Imp').replace(/\s+/g, '');

    let response = await upload(page, prefix, 'g');
    assert.equal(response.status(), 200);
    assert.match(await page.getByRole('alert').innerText(), /1 fel hittades/);
    const problems = page.getByRole('table', { name: 'Fel i filen, per rad och kolumn' });
    const cells = await problems.locator('tbody tr').first().getByRole('cell').allInnerTexts();
    assert.equal(cells[0], '3', 'the row, as the spreadsheet numbers it');
    assert.equal(cells[1], 'Rättslig grund', 'the column, by its header');
    assert.match(cells[2], /Okänd rättslig grund/);
    assert.equal(await page.getByRole('button', { name: 'Importera' }).count(), 0, 'nothing to import');
    // The mapping is shown: the Draftit headers are read into their fields.
    assert.equal(await page.getByLabel('Rättslig grund', { exact: true }).locator('option:checked').innerText(), 'Rättslig grund (art. 6.1)');
    await visit(page, `/behandlingar?q=${encodeURIComponent(prefix)}`);
    assert.match(await page.locator('.counts').innerText(), /^0 behandlingar/);

    response = await upload(page, prefix, 'e');
    assert.equal(response.status(), 200);
    assert.match(await page.getByRole('status').first().innerText(), /Filen har inga fel\. Vid import: 2 skapas/);
    const rows = page.getByRole('table', { name: 'Raderna och vad som händer med dem' });
    assert.equal(await rows.locator('tbody tr').count(), 2);
    assert.match(await rows.innerText(), new RegExp(`${prefix} Synpunkter\\s+Skapas`));
    response = await submit(page, page.getByRole('button', { name: 'Importera' }));
    assert.equal(response.status(), 200);
    assert.match(await page.getByRole('status').first().innerText(), /Importen är klar/);
    assert.match(await page.getByRole('status').first().innerText(), /2 skapade, 0 uppdaterade, 0 oförändrade/);

    const registerLink = page.getByRole('link', { name: /^Visa behandlingarna i Stadsledningskontoret/ });
    const orgId = new URL(await registerLink.getAttribute('href'), page.url()).searchParams.get('organisation');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), registerLink.click()]);
    await audit(page);
    const row = page.getByRole('row', { name: new RegExp(`${prefix} Synpunkter`) });
    assert.match(await row.innerText(), /Under bearbetning/);
    assert.equal(await page.getByRole('row', { name: new RegExp(prefix) }).count(), 2);

    // The organisation's gaps name the record without a retention rule, and lead to it.
    await visit(page, `/organisationer/${orgId}`);
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.getByRole('link', { name: 'Visa brister i registret' }).click(),
    ]);
    await audit(page);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Brister i registret: Stadsledningskontoret');
    const item = page.locator('.gap-records > li').filter({ hasText: `${prefix} Synpunkter` });
    assert.match(await item.innerText(), /Lagringstid eller gallringsregel saknas\./);
    assert.equal(await page.locator('.gap-records > li').filter({ hasText: `${prefix} Diarium` }).count(), 0);
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      item.getByRole('link', { name: `${prefix} Synpunkter` }).click(),
    ]);
    await audit(page);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), `${prefix} Synpunkter`);
    assertAudited(page);
  });
});
