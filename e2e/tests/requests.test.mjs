// A data subject request from registration to answer: the records keeper registers an access
// request, sees the day it must be answered by, extends the time limit (counted from receipt) and
// answers it. Every page passes the accessibility check.

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

test('a records keeper registers an access request, extends it and answers it', async () => {
  const name = unique('Vera Vårdnadshavare');
  const fatima = await newPage(browser);
  await signIn(fatima, 'fatima.hassan@sjostad.se');
  await visit(fatima, '/begaranden');
  await submit(fatima, fatima.getByRole('link', { name: 'Registrera begäran' }).first());
  const form = fatima.locator('#record-form');
  await form.getByLabel('Typ av begäran').selectOption('access').catch(async () => {
    await form.getByLabel('Registerutdrag (tillgång, art. 15)').check();
  });
  // Received on Thursday 2 April 2026: one month ends on Saturday 2 May, so Monday 4 May.
  await form.getByLabel('Mottagen', { exact: true }).fill('2026-04-02');
  await form.getByLabel('Namn', { exact: true }).fill(name);
  await form.getByLabel('Relation till organisationen').fill('Vårdnadshavare');
  await submit(fatima, form.getByRole('button', { name: 'Registrera begäran' }));
  assert.match(await fatima.locator('[role=status]').innerText(), /Begäran är registrerad/);
  const deadline = fatima.locator('#deadline');
  assert.match(await deadline.innerText(), /2026-05-04/);

  // Extended by two months, counted from receipt: Thursday 2 July.
  await submit(fatima, deadline.getByRole('link', { name: 'Förläng tidsfristen' }));
  await fatima.getByLabel('Två månader').check();
  await fatima.getByLabel('Den registrerade informerades').fill('2026-04-20');
  const bare = await submit(fatima, fatima.getByRole('button', { name: 'Förläng' }));
  assert.equal(bare.status(), 422);
  assert.match(await fatima.locator('#error-summary').innerText(), /Skäl till förlängningen/);
  await fatima.getByLabel('Skäl till förlängningen').fill('Uppgifterna finns i flera system.');
  await submit(fatima, fatima.getByRole('button', { name: 'Förläng' }));
  assert.match(await fatima.locator('[role=status]').innerText(), /förlängd/);
  assert.match(await fatima.locator('#deadline').innerText(), /2026-07-02/);
  assert.match(await fatima.locator('#deadline').innerText(), /två månader|2 månader/);

  // Where to search: the controller's processing activities as a checklist, the search recorded.
  const record = new URL(fatima.url()).pathname;
  await submit(fatima, fatima.locator('#deadline').getByRole('link', { name: 'Var ska vi söka?' }));
  const places = fatima.getByRole('group', { name: 'Behandlingar att söka i' }).getByRole('checkbox');
  assert.ok(await places.count() > 0, 'the controller has processing activities');
  await places.first().check();
  await fatima.getByLabel('Var ni har sökt och vad ni fann').fill('Personalsystemet: inga uppgifter om barnet.');
  await submit(fatima, fatima.getByRole('button', { name: 'Spara sökningen' }));
  assert.match(await fatima.locator('[role=status]').innerText(), /Ändringarna är sparade/);
  // The identity, then the answer.
  await visit(fatima, `${record}/redigera`);
  await fatima.getByLabel('Identiteten kontrollerad', { exact: true }).fill('2026-04-03');
  await fatima.getByLabel('Hur identiteten kontrollerades').fill('BankID');
  await submit(fatima, fatima.getByRole('button', { name: 'Spara ändringarna' }));
  await submit(fatima, fatima.getByRole('button', { name: 'Identiteten är kontrollerad' }));
  await submit(fatima, fatima.getByRole('button', { name: 'Påbörja handläggning' }));
  await visit(fatima, `${record}/redigera`);
  await fatima.getByLabel('Utfall').selectOption('bifall');
  await fatima.getByLabel('Besvarad', { exact: true }).fill('2026-06-30');
  await submit(fatima, fatima.getByRole('button', { name: 'Spara ändringarna' }));
  await submit(fatima, fatima.getByRole('button', { name: 'Besvarad' }));
  assert.match(await fatima.locator('main').innerText(), /Status: Besvarad/);
  assert.match(await fatima.locator('#deadline').innerText(), /Besvarad inom tidsfristen/);
  // The answer, with the article 15 items of the processing activity searched.
  await submit(fatima, fatima.locator('#deadline').getByRole('link', { name: 'Svar till den registrerade' }));
  const letter = await fatima.locator('#answer-text').inputValue();
  assert.match(letter, new RegExp(name));
  assert.match(letter, /Ändamål:/);
  const pdf = await fatima.request.get(await fatima.getByRole('link', { name: 'Ladda ned svaret som PDF' }).getAttribute('href'));
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  assertAudited(fatima);
});

test('the DPO sets how long the controller keeps who made a request', async () => {
  const anna = await newPage(browser);
  await signIn(anna, 'anna.lindqvist@sjostad.se');
  await visit(anna, '/begaranden');
  const ks = await anna.locator('#organisation option', { hasText: 'Kommunstyrelsen' }).first().getAttribute('value');
  await anna.getByLabel('Organisation', { exact: true }).selectOption(ks);
  await submit(anna, anna.getByRole('button', { name: 'Sök' }));
  await submit(anna, anna.getByRole('link', { name: 'Gallring av begäranden' }));
  const refused = await (async () => {
    await anna.getByLabel(/Bifallna begäranden/).fill('0');
    return submit(anna, anna.getByRole('button', { name: 'Spara gallringsreglerna' }));
  })();
  assert.equal(refused.status(), 422);
  await anna.getByLabel(/Bifallna begäranden/).fill('6');
  await anna.getByLabel(/Avslag och delvisa avslag/).fill('10');
  await submit(anna, anna.getByRole('button', { name: 'Spara gallringsreglerna' }));
  assert.match(await anna.locator('[role=status]').innerText(), /Gallringsreglerna är sparade/);
  assert.equal(await anna.getByLabel(/Bifallna begäranden/).inputValue(), '6');
  assertAudited(anna);
});

test('the DPO makes julafton a day off, and a request registered after is counted with it', async () => {
  const anna = await newPage(browser);
  await signIn(anna, 'anna.lindqvist@sjostad.se');
  await visit(anna, '/begaranden');
  const ks = await anna.locator('#organisation option', { hasText: 'Kommunstyrelsen' }).first().getAttribute('value');
  await anna.getByLabel('Organisation', { exact: true }).selectOption(ks);
  await submit(anna, anna.getByRole('button', { name: 'Sök' }));
  await submit(anna, anna.getByRole('link', { name: 'Egna lediga dagar i tidsfristen' }));
  const julafton = anna.getByLabel('Julafton');
  if (!(await julafton.isChecked())) await julafton.check();
  await submit(anna, anna.getByRole('button', { name: 'Spara lediga dagar' }));
  assert.match(await anna.locator('[role=status]').innerText(), /De lediga dagarna är sparade/);
  assert.ok(await anna.getByLabel('Julafton').isChecked());

  // Received on 24 November 2026: one month ends on julafton, a Thursday, now a day off; juldagen,
  // annandag jul and the Sunday follow, so Monday 28 December.
  await visit(anna, '/begaranden');
  await submit(anna, anna.getByRole('link', { name: 'Registrera begäran' }).first());
  const form = anna.locator('#record-form');
  await form.getByLabel('Organisation', { exact: true }).selectOption(ks).catch(() => {});
  await form.getByLabel('Typ av begäran').selectOption('erasure').catch(async () => {
    await form.getByLabel('Radering (art. 17)').check();
  });
  await form.getByLabel('Mottagen', { exact: true }).fill('2026-11-24');
  await form.getByLabel('Namn', { exact: true }).fill(unique('Julia Julafton'));
  await submit(anna, form.getByRole('button', { name: 'Registrera begäran' }));
  const deadline = await anna.locator('#deadline').innerText();
  assert.match(deadline, /2026-12-28/);
  assert.match(deadline, /julafton/);
  assertAudited(anna);
});
