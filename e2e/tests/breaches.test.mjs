// A personal data breach from report to notice: an employee reports one from the header of any page
// in a few fields, and sees only their own report afterwards; the DPO finds it on the start page
// with the 72-hour countdown, assesses the risk by ENISA's method and gets the notification to IMY
// ready to copy. Every page passes the accessibility check.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAudited, launch, newPage, signIn, submit, unique, visit } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A local time in Stockholm as a datetime-local input takes it: an hour ago. */
function anHourAgo() {
  const now = new Date(Date.now() - 3600 * 1000);
  const parts = new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(now);
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

test('an employee reports a breach and the DPO assesses it and drafts the notice', async () => {
  const title = unique('Brukarlista skickad till fel mottagare');
  const sara = await newPage(browser);
  await signIn(sara, 'sara.karlsson@sjostad.se');
  // The report is one link away from every page.
  await submit(sara, sara.getByRole('link', { name: 'Rapportera incident' }));
  assert.equal(await sara.getByRole('heading', { level: 1 }).innerText(), 'Rapportera incident');
  // A report sent without its times says so, and keeps what was written.
  await sara.getByLabel('Vad hände?').fill(title);
  const refused = await submit(sara, sara.getByRole('button', { name: 'Skicka rapporten' }));
  assert.equal(refused.status(), 422);
  assert.equal(await sara.getByLabel('Vad hände?').inputValue(), title);
  const when = anHourAgo();
  await sara.getByLabel('Upptäckt').fill(when);
  await sara.getByLabel('Kännedom (72 timmar räknas härifrån)').fill(when);
  await sara.getByLabel('Vems uppgifter').fill('Brukare i hemtjänsten');
  await sara.getByLabel('Ungefär hur många personer').fill('cirka 40');
  const sent = await submit(sara, sara.getByRole('button', { name: 'Skicka rapporten' }));
  assert.equal(sent.status(), 200);
  assert.match(await sara.locator('[role=status]').innerText(), /Rapporten är skickad/);
  const breach = new URL(sara.url()).pathname;
  // Her start page lists her report; the register itself is not hers to read.
  await visit(sara, '/');
  assert.match(await sara.locator('#wl-reports').locator('..').innerText(), new RegExp(title));
  const register = await visit(sara, '/incidenter');
  assert.equal(register.status(), 403);
  assertAudited(sara);

  const anna = await newPage(browser);
  await signIn(anna, 'anna.lindqvist@sjostad.se');
  const waiting = anna.locator('#wl-deadlines').locator('..');
  assert.match(await waiting.innerText(), new RegExp(title));
  assert.match(await waiting.innerText(), /h \d+ min kvar/);
  await submit(anna, waiting.getByRole('link', { name: title }));
  assert.equal(new URL(anna.url()).pathname, breach);
  await submit(anna, anna.getByRole('link', { name: 'Gör riskbedömning' }));
  // Decision support: simple data (basic score 1) about people in care, raised to 2, which needs its
  // reason.
  await anna.getByLabel('Enkla uppgifter (1)').check();
  await anna.getByLabel(/^De registrerades särskilda karaktär/).check();
  await anna.getByLabel('2', { exact: true }).check();
  await anna.getByLabel('Betydande (0.75)').check();
  await anna.getByLabel(/Röjda för kända mottagare/).check();
  await anna.getByLabel(/^Ingen felaktig användning/).check();
  await anna.getByLabel(/^Kan återställas utan svårighet/).check();
  const unexplained = await submit(anna, anna.getByRole('button', { name: 'Spara riskbedömningen' }));
  assert.equal(unexplained.status(), 422);
  assert.match(await anna.locator('#error-summary').innerText(), /Motivering av DPC/);
  assert.ok(await anna.getByLabel('Enkla uppgifter (1)').isChecked(), 'the answers are kept');
  await anna.getByLabel('Motivering av DPC').fill('Brukare i hemtjänsten är en utsatt grupp.');
  await submit(anna, anna.getByRole('button', { name: 'Spara riskbedömningen' }));
  assert.match(await anna.locator('#risk').innerText(), /obetydlig risk \(1,75\)/);
  await submit(anna, anna.getByRole('link', { name: 'Anmälan och brev' }));
  const notice = await anna.locator('#imy-text').inputValue();
  assert.match(notice, /Brukare i hemtjänsten/);
  assert.match(notice, /Anna Lindqvist/);
  assertAudited(anna);
});
