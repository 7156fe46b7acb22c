// Signing out ends the session: the pages behind it lead back to the sign-in page.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAudited, audit, launch, newPage, signIn, submit, visit } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('(e) sign out', async () => {
  const page = await newPage(browser);
  await signIn(page, 'anna.lindqvist@sjostad.se');
  assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /Anna Lindqvist/);

  await submit(page, page.getByRole('button', { name: 'Logga ut' }));
  assert.equal(new URL(page.url()).pathname, '/logga-in');

  // The session is gone: the start page sends us back to sign in, and says where we were going.
  await page.goto('/konto');
  await audit(page);
  const url = new URL(page.url());
  assert.equal(url.pathname, '/logga-in');
  assert.equal(url.searchParams.get('next'), '/konto');
  assert.ok(await page.getByRole('button', { name: 'Logga in' }).isVisible());
  await visit(page, '/logga-in');
  assertAudited(page);
});
