// The system administrator disables a person and enables them again from the people page: a
// disabled person's session ends at once and their sign-in is refused; enabled again, they sign in.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN, assertAudited, audit, launch, newPage, signIn, submit, unique, visit,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const PERSON_PASSWORD = 'Vinter-Sjostad-2026';

/** Fills in and sends the sign-in form, returning the response (without asserting where it led). */
async function trySignIn(page, email, password) {
  await visit(page, '/logga-in');
  await page.getByLabel('E-postadress').fill(email);
  await page.getByLabel('Lösenord').fill(password);
  return submit(page, page.getByRole('button', { name: 'Logga in' }));
}

test('a disabled person cannot sign in and is signed out; enabled again, they sign in', async () => {
  const admin = await newPage(browser);
  await signIn(admin, ADMIN);

  // A person of this test's own, so that no other test's sign-in is disturbed.
  const name = unique('Avstängd Testsson');
  const email = `avstangd.${Date.now().toString(36)}@sjostad.se`;
  await visit(admin, '/personer');
  const form = admin.locator('#new-person');
  await form.getByLabel('Namn').fill(name);
  await form.getByLabel('E-postadress').fill(email);
  await form.getByLabel('Första lösenord').fill(PERSON_PASSWORD);
  await submit(admin, form.getByRole('button', { name: 'Lägg upp personen' }));
  assert.match(await admin.getByRole('status').innerText(), /Personen är upplagd/);

  const person = await newPage(browser);
  await signIn(person, email, PERSON_PASSWORD);

  // The administrator cannot disable themself: their own row offers no button.
  await visit(admin, `/personer?q=${encodeURIComponent(ADMIN)}`);
  const own = admin.getByRole('row', { name: new RegExp(ADMIN.replace(/\./g, '\\.')) });
  assert.match(await own.innerText(), /Du kan inte stänga av dig själv/);
  assert.equal(await own.getByRole('button').count(), 0);

  await visit(admin, `/personer?q=${encodeURIComponent(email)}`);
  const row = () => admin.getByRole('row', { name: new RegExp(name) });
  assert.match(await row().innerText(), /Aktiv/);
  await submit(admin, row().getByRole('button', { name: `Stäng av ${name}` }));
  assert.match(await admin.getByRole('status').innerText(), /Personen är avstängd och kan inte logga in/);
  assert.match(await row().innerText(), /Avstängd/);
  assert.ok(await row().getByRole('button', { name: `Aktivera ${name}` }).isVisible());

  // Their open session ended with it: the next page asks them to sign in.
  await person.goto('/konto');
  await audit(person);
  assert.equal(new URL(person.url()).pathname, '/logga-in');

  const refused = await trySignIn(person, email, PERSON_PASSWORD);
  assert.equal(refused.status(), 401);
  assert.match(await person.getByRole('alert').innerText(), /Fel e-postadress eller lösenord/);

  await submit(admin, row().getByRole('button', { name: `Aktivera ${name}` }));
  assert.match(await admin.getByRole('status').innerText(), /Personen är aktiv igen/);
  assert.match(await row().innerText(), /Aktiv/);

  await signIn(person, email, PERSON_PASSWORD);
  assert.match(await person.getByRole('heading', { level: 1 }).innerText(), new RegExp(name));
  assertAudited(admin);
  assertAudited(person);
});

test('only the system administrator reaches the people page', async () => {
  const sara = await newPage(browser);
  await signIn(sara, 'sara.karlsson@sjostad.se');
  assert.equal(await sara.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Personer' }).count(), 0);
  const response = await visit(sara, '/personer');
  assert.equal(response.status(), 403);
  assertAudited(sara);
});
