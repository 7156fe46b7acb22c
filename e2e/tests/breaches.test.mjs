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
  // The DPO takes a position on the proposal: kept as proposed, it is a confirmation.
  await submit(anna, anna.getByRole('link', { name: /Ta ställning till förslaget/ }));
  assert.ok(await anna.getByRole('group', { name: 'Ska incidenten anmälas till IMY?' }).getByLabel('Nej').isChecked());
  // Departing from it without a reason is refused, with the choice kept.
  await anna.getByRole('group', { name: 'Ska incidenten anmälas till IMY?' }).getByLabel('Ja').check();
  const bare = await submit(anna, anna.getByRole('button', { name: 'Spara ställningstagandet' }));
  assert.equal(bare.status(), 422);
  assert.match(await anna.locator('#error-summary').innerText(), /Ange skälen/);
  await anna.getByRole('group', { name: 'Ska incidenten anmälas till IMY?' }).getByLabel('Nej').check();
  await submit(anna, anna.getByRole('button', { name: 'Spara ställningstagandet' }));
  assert.match(await anna.locator('#risk').innerText(), /Bekräftar förslaget \(Anna Lindqvist/);
  await submit(anna, anna.getByRole('link', { name: 'Anmälan och brev' }));
  const notice = await anna.locator('#imy-text').inputValue();
  assert.match(notice, /Brukare i hemtjänsten/);
  assert.match(notice, /Anna Lindqvist/);
  // The notice and the letter as PDF.
  for (const name of ['Ladda ned utkastet som PDF', 'Ladda ned brevet som PDF']) {
    const href = await anna.getByRole('link', { name }).getAttribute('href');
    const pdf = await anna.request.get(href);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
  }
  // Recorded as sent: kept as sent, and the next draft is the first supplement.
  await submit(anna, anna.getByRole('button', { name: 'Registrera som skickad' }));
  assert.match(await anna.locator('[role=status]').innerText(), /registrerad som skickad/);
  assert.match(await anna.locator('#sent-heading').locator('..').innerText(), /Anmälan av personuppgiftsincident till IMY/);
  assert.match(await anna.locator('#imy-heading').innerText(), /Komplettering 1/);
  assertAudited(anna);
});

test('another board is told of a breach, reads it in its inbox and registers it as its own', async () => {
  const anna = await newPage(browser);
  await signIn(anna, 'anna.lindqvist@sjostad.se');
  await visit(anna, '/incidenter');
  await submit(anna, anna.getByRole('link', { name: /Lista med användarkonton/ }));
  const breach = new URL(anna.url()).pathname;
  await submit(anna, anna.getByRole('link', { name: 'Underrätta andra personuppgiftsansvariga' }));
  // What is shared is shown before it is sent; internal handling is not among it.
  assert.match(await anna.locator('#shared-heading').locator('..').innerText(), /cirka 420/);
  const none = await submit(anna, anna.getByRole('button', { name: 'Skicka underrättelsen' }));
  assert.equal(none.status(), 422);
  assert.match(await anna.locator('#error-summary').innerText(), /Välj minst en/);
  await anna.getByLabel('Utbildningsnämnden').check();
  const note = unique('Ring Anna om elevkonton');
  await anna.getByLabel('Meddelande till mottagarna (frivilligt)').fill(note);
  await submit(anna, anna.getByRole('button', { name: 'Skicka underrättelsen' }));
  assert.match(await anna.locator('[role=status]').innerText(), /Underrättelsen är skickad/);
  assert.match(await anna.locator('#sent-caption').locator('..').innerText(), /Utbildningsnämnden[\s\S]*Inte läst än/);
  assertAudited(anna);

  const sofia = await newPage(browser);
  await signIn(sofia, 'sofia.bergstrom@sjostad.se');
  const unread = sofia.locator('#wl-notices').locator('..');
  assert.match(await unread.innerText(), /Lista med användarkonton/);
  assert.match(await unread.innerText(), /Er anmälan till IMY senast/);
  await submit(sofia, unread.getByRole('link', { name: /Lista med användarkonton/ }).first());
  assert.match(await sofia.locator('main').innerText(), new RegExp(note));
  // The sender's breach itself is not hers to open.
  const theirs = await visit(sofia, breach);
  assert.equal(theirs.status(), 404);
  await sofia.goBack();
  await submit(sofia, sofia.getByRole('button', { name: 'Registrera som incident hos oss' }));
  assert.match(await sofia.locator('h1').innerText(), /Lista med användarkonton/);
  assert.match(await sofia.locator('main').innerText(), /Utbildningsnämnden/);
  assertAudited(sofia);

  // The sender sees that it was read, and by whom.
  await visit(anna, `${breach}/underrattelser`);
  assert.match(await anna.locator('#sent-caption').locator('..').innerText(), /Sofia Bergström/);
  assertAudited(anna);
});
