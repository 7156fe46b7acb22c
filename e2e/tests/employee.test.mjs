// An employee sees their own controller's organisations only: another controller's page is "not
// found", exactly as a page that does not exist. A controller's management reads its history, with
// people named.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, assertAudited, audit, findOrganisation, launch, newPage, signIn, visit } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('(d) an employee cannot open another controller\'s organisation', async () => {
  const admin = await newPage(browser);
  await signIn(admin, ADMIN);
  const norr = await findOrganisation(admin, 'Stadsdelsnämnd Norr');
  assertAudited(admin);

  const sara = await newPage(browser);
  await signIn(sara, 'sara.karlsson@sjostad.se');
  // Her own unit is listed; the other controller is not.
  await visit(sara, '/organisationer');
  const listed = await sara.locator('tbody th').allInnerTexts();
  assert.ok(listed.includes('Enheten för IT-drift'), `listed: ${listed.join(', ')}`);
  assert.ok(!listed.some((n) => n.includes('Norr')), `listed: ${listed.join(', ')}`);

  const response = await visit(sara, norr);
  assert.equal(response.status(), 404);
  assert.equal(await sara.getByRole('heading', { level: 1 }).innerText(), 'Sidan finns inte');
  assert.doesNotMatch(await sara.content(), /Stadsdelsnämnd Norr/);

  // Its history is just as hidden.
  const history = await visit(sara, `${norr}/historik`);
  assert.equal(history.status(), 404);

  // Her own unit's page she reads, with nothing to change.
  const unit = await findOrganisation(sara, 'Enheten för IT-drift');
  await visit(sara, unit);
  assert.equal(await sara.getByRole('heading', { level: 1 }).innerText(), 'Enheten för IT-drift');
  assert.equal(await sara.locator('#rename-form, #child-form, #member-form').count(), 0);
  assertAudited(sara);
});

test('management reads its controller\'s history with the people named', async () => {
  const erik = await newPage(browser);
  await signIn(erik, 'erik.johansson@sjostad.se');
  const board = await findOrganisation(erik, 'Kommunstyrelsen');
  await visit(erik, board);
  await erik.getByRole('link', { name: 'Visa historik för organisationen' }).click();
  await erik.waitForURL(`**${board}/historik`);
  await audit(erik);
  const titles = await erik.locator('li.event h2').allInnerTexts();
  assert.ok(titles.some((t) => /Roller för Anna Lindqvist: skapade$/.test(t)), titles.join('\n'));
  assert.ok(titles.some((t) => /Organisationen: skapad$/.test(t)), titles.join('\n'));
  assertAudited(erik);
});
