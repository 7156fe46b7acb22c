// Importing the register of IT systems from a CSV file in the browser, as a system owner: a file
// with an incomplete classification shows the problem by row and column and imports nothing; the
// corrected file imports; the same file again changes nothing. Someone who may not edit systems
// cannot reach the page. Every page is checked with axe.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertAudited, launch, newPage, signIn, submit, unique, visit,
} from './helpers.mjs';

const OWNER = 'lars.nilsson@sjostad.se';
const MANAGEMENT = 'erik.johansson@sjostad.se';

/** A small system register; `availability` is the third level of the second row. */
function csv(prefix, availability) {
  return [
    'ID;System;Leverantör;Systemägare;Upphandling;Personuppgifter;Konfidentialitet;Riktighet;Tillgänglighet;Klassad',
    `${prefix}-1;${prefix} Driftövervakning;Zabbix;IT-chefen;Egen upphandling;Nej;;;;`,
    `${prefix}-2;${prefix} Servicedesk;TopDesk;IT-chefen;Centralt tillhandahållet;Ja;3;2;${availability};2026-01-15`,
    '',
  ].join('\r\n');
}

async function upload(page, prefix, availability) {
  await visit(page, '/system/import');
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Importera system från kalkylark');
  const form = page.locator('#import-form');
  assert.match(await form.locator('#import-organisation option:checked').innerText(), /^Enheten för IT-drift /);
  await form.getByLabel('Fil').setInputFiles({
    name: 'system.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv(prefix, availability), 'utf8'),
  });
  return submit(page, form.getByRole('button', { name: 'Förhandsgranska' }));
}

describe('import of the system register', () => {
  let browser;

  before(async () => {
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
  });

  test('an incomplete classification imports nothing; the corrected file imports once', async () => {
    const page = await newPage(browser);
    await signIn(page, OWNER);
    const prefix = unique('Sys').replace(/\s+/g, '');

    let response = await upload(page, prefix, '');
    assert.equal(response.status(), 200);
    assert.match(await page.getByRole('alert').innerText(), /1 fel hittades/);
    const problems = page.getByRole('table', { name: 'Fel i filen, per rad och kolumn' });
    const cells = await problems.locator('tbody tr').first().getByRole('cell').allInnerTexts();
    assert.equal(cells[0], '3', 'the row, as the spreadsheet numbers it');
    assert.equal(cells[1], 'Tillgänglighet', 'the column, by its header');
    assert.match(cells[2], /Nivån för tillgänglighet saknas/);
    assert.equal(await page.getByRole('button', { name: 'Importera' }).count(), 0, 'nothing to import');
    // The mapping is shown: the usual headers of a system register are read into their fields.
    assert.equal(await page.getByLabel('Systemägare', { exact: true }).locator('option:checked').innerText(), 'Objektägare');
    assert.equal(await page.getByLabel('Klassad', { exact: true }).locator('option:checked').innerText(), 'Klassad den');

    response = await upload(page, prefix, 'Hög');
    assert.equal(response.status(), 200);
    assert.match(await page.getByRole('status').first().innerText(), /Filen har inga fel\. Vid import: 2 skapas/);
    const rows = page.getByRole('table', { name: 'Raderna och vad som händer med dem' });
    assert.equal(await rows.locator('tbody tr').count(), 2);
    assert.match(await rows.innerText(), new RegExp(`${prefix} Servicedesk\\s+Skapas`));
    response = await submit(page, page.getByRole('button', { name: 'Importera' }));
    assert.equal(response.status(), 200);
    const done = await page.getByRole('status').first().innerText();
    assert.match(done, /Importen är klar/);
    assert.match(done, /2 skapade, 0 uppdaterade, 0 oförändrade/);
    const registerLink = page.getByRole('link', { name: /^Visa systemen i Enheten för IT-drift/ });
    const href = new URL(await registerLink.getAttribute('href'), page.url());
    assert.equal(href.pathname, '/system');
    assert.ok(href.searchParams.get('organisation'), 'the link names the organisation');

    // The same file again: both systems are already there, unchanged, and there is nothing to import.
    response = await upload(page, prefix, 'Hög');
    assert.equal(response.status(), 200);
    assert.match(await page.getByRole('status').first().innerText(), /0 skapas, 0 uppdateras, 2 oförändrade/);
    assert.match(await rows.innerText(), new RegExp(`${prefix} Servicedesk\\s+Oförändrad`));
    assert.equal(await page.getByRole('button', { name: 'Importera' }).count(), 0);
    assertAudited(page);
  });

  test('someone who may not edit systems cannot import them', async () => {
    const page = await newPage(browser);
    await signIn(page, MANAGEMENT);
    const response = await visit(page, '/system/import');
    assert.equal(response.status(), 403);
    assertAudited(page);
  });
});
