// An employee sees their own controller's organisations only: another controller's page is "not
// found", exactly as a page that does not exist.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, assertAudited, findOrganisation, launch, newPage, signIn, visit } from './helpers.mjs';

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
  assertAudited(sara);
});
