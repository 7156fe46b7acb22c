// The organisation pages as a system administrator: create, rename, history (a page at a time), a
// stale edit and an invalid one, each page checked for accessibility.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN, BASE_URL, assertAudited, audit, findOrganisation, launch, newContext, pageIn, signIn, submit, unique, visit,
} from './helpers.mjs';

describe('organisations (system administrator)', () => {
  let browser;
  let context;
  let page;

  before(async () => {
    browser = await launch();
    context = await newContext(browser);
    page = await pageIn(context);
    await signIn(page, ADMIN);
  });

  after(async () => {
    await browser?.close();
  });

  /** Creates a unit under Kommunstyrelsen's administration and returns its path and name. */
  async function createUnit(prefix) {
    const parent = await findOrganisation(page, 'Kommunstyrelsen');
    await visit(page, parent);
    const name = unique(prefix);
    const form = page.locator('#child-form');
    await form.getByLabel('Namn').fill(name);
    await form.getByLabel('Typ av organisation').selectOption({ label: 'Förvaltning' });
    const response = await submit(page, form.getByRole('button', { name: 'Skapa underliggande organisation' }));
    assert.equal(response.status(), 200);
    await assert.doesNotReject(page.getByRole('heading', { level: 1, name }).waitFor());
    return { path: new URL(page.url()).pathname, name };
  }

  test('(a) create an organisation under a controller, rename it, and read both events in its history', async () => {
    const { path, name } = await createUnit('Testförvaltning');
    assert.match(await page.getByRole('status').innerText(), /Organisationen är skapad/);
    // It belongs to the controller it was created under.
    assert.match(await page.locator('dl.facts').innerText(), /Kommunstyrelsen/);

    const renamed = `${name} (nytt namn)`;
    const form = page.locator('#rename-form');
    await form.getByLabel('Nytt namn').fill(renamed);
    await submit(page, form.getByRole('button', { name: 'Spara nytt namn' }));
    assert.equal(new URL(page.url()).pathname, path);
    assert.match(await page.getByRole('status').innerText(), /Namnet är ändrat/);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), renamed);

    await page.getByRole('link', { name: 'Visa historik för organisationen' }).click();
    await page.waitForURL(`**${path}/historik`);
    await audit(page);
    assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /^Historik: /);
    const events = page.locator('li.event');
    assert.equal(await events.count(), 2, 'two events: created and renamed');
    // Newest first: the rename, then the creation.
    const [renameEvent, createEvent] = [events.nth(0), events.nth(1)];
    assert.match(await renameEvent.getByRole('heading').innerText(), /Organisationen: ändrad$/);
    assert.match(await createEvent.getByRole('heading').innerText(), /Organisationen: skapad$/);
    for (const e of [renameEvent, createEvent]) {
      const facts = await e.locator('dl').innerText();
      assert.match(facts, /Systemadministratör/, 'who');
      assert.match(facts, /webb/, 'channel, in Swedish');
      assert.match(await e.getByRole('heading').innerText(), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} – /, 'when, in local time');
    }
    const nameRow = renameEvent.getByRole('row', { name: /^Namn/ });
    const cells = await nameRow.getByRole('cell').allInnerTexts();
    assert.deepEqual(cells, [name, renamed], 'the name changed from → to');
    const createdRows = await createEvent.locator('tbody th').allInnerTexts();
    assert.ok(createdRows.includes('Namn') && createdRows.includes('Typ') && createdRows.includes('Överordnad'),
      `translated field names, got ${createdRows.join(', ')}`);
    assert.match(await createEvent.getByRole('row', { name: /^Typ/ }).innerText(), /Förvaltning/);
    // Organisations are named, not shown by id.
    assert.match(await createEvent.getByRole('row', { name: /^Överordnad/ }).innerText(), /Kommunstyrelsen/);
    assertAudited(page);
  });

  test('a long history is read a page at a time, and the page links to the registers and their gaps', async () => {
    const { path, name } = await createUnit('Historikförvaltning');
    const id = path.split('/').pop();
    const registers = page.getByRole('navigation', { name: 'Organisationens register' });
    assert.equal(await registers.getByRole('link', { name: 'Visa brister i registret' }).getAttribute('href'), `${path}/brister`);
    assert.equal(await registers.getByRole('link', { name: 'Behandlingar' }).getAttribute('href'), `/behandlingar?organisation=${id}`);

    // Fifty renames through the API with this browser's session: with the creation, 51 events.
    const csrf = await page.locator('input[name="csrf"]').first().inputValue();
    for (let i = 1; i <= 50; i += 1) {
      const r = await page.request.patch(`/api/v1/organisations/${id}`, {
        data: { name: `${name} v${i}` },
        headers: { 'X-CSRF-Token': csrf, Origin: BASE_URL },
      });
      assert.equal(r.status(), 200, await r.text());
    }
    await visit(page, `${path}/historik`);
    const events = page.locator('li.event');
    assert.equal(await events.count(), 50, 'a page holds 50 events');
    assert.match(await events.first().getByRole('heading').innerText(), /Organisationen: ändrad$/);
    const pages = page.getByRole('navigation', { name: 'Sidor' });
    assert.equal(await pages.getByRole('link', { name: 'Till första sidan' }).count(), 0);
    await submit(page, pages.getByRole('link', { name: 'Nästa sida' }));
    assert.equal(new URL(page.url()).pathname, `${path}/historik`);
    assert.equal(await events.count(), 1, 'the oldest event on the next page');
    assert.match(await events.first().getByRole('heading').innerText(), /Organisationen: skapad$/);
    assert.equal(await pages.getByRole('link', { name: 'Nästa sida' }).count(), 0);
    await submit(page, pages.getByRole('link', { name: 'Till första sidan' }));
    assert.equal(await events.count(), 50);
    assertAudited(page);
  });

  test('(b) a stale edit shows the conflict and keeps what was typed', async () => {
    const { path } = await createUnit('Krockförvaltning');
    const other = await pageIn(context);
    try {
      await visit(other, path);
      await visit(page, path);

      const first = other.locator('#rename-form');
      await first.getByLabel('Nytt namn').fill(unique('Först sparat'));
      await submit(other, first.getByRole('button', { name: 'Spara nytt namn' }));
      assert.match(await other.getByRole('status').innerText(), /Namnet är ändrat/);

      const typed = unique('Mitt eget namn');
      const second = page.locator('#rename-form');
      await second.getByLabel('Nytt namn').fill(typed);
      const response = await submit(page, second.getByRole('button', { name: 'Spara nytt namn' }));
      assert.equal(response.status(), 409);
      const summary = page.getByRole('alert');
      assert.match(await summary.innerText(), /Någon annan har ändrat organisationen sedan du öppnade sidan/);
      assert.match(await page.locator('#rename-form').innerText(), /Någon annan har ändrat organisationen/);
      assert.equal(await page.locator('#rename-name').inputValue(), typed, 'the typed name is kept');

      // Saving again is now a decision made with the other change in view, and it goes through.
      await submit(page, page.locator('#rename-form').getByRole('button', { name: 'Spara nytt namn' }));
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), typed);
      assertAudited(other);
    } finally {
      await other.close();
    }
    assertAudited(page);
  });

  test('(c) an empty name is refused with the message beside the field', async () => {
    const { path, name } = await createUnit('Valideringsförvaltning');
    await visit(page, path);
    const form = page.locator('#rename-form');
    await form.getByLabel('Nytt namn').fill('   ');
    const response = await submit(page, form.getByRole('button', { name: 'Spara nytt namn' }));
    assert.equal(response.status(), 422);
    const input = page.locator('#rename-name');
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    const describedBy = (await input.getAttribute('aria-describedby')) ?? '';
    assert.ok(describedBy.split(' ').includes('rename-name-error'), `aria-describedby is "${describedBy}"`);
    assert.equal(await page.locator('#rename-name-error').innerText(), 'Fältet måste fyllas i.');
    // The field's accessible description carries the message too.
    const summary = page.getByRole('alert');
    assert.match(await summary.innerText(), /Det finns fel i formuläret/);
    assert.equal(await summary.getByRole('link', { name: 'Nytt namn: Fältet måste fyllas i.' }).getAttribute('href'), '#rename-name');
    // Nothing was saved.
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), name);
    assertAudited(page);
  });

  test('roles are given by e-mail address; an unknown address is named as such', async () => {
    const { path } = await createUnit('Rollförvaltning');
    const form = () => page.locator('#member-form');
    await form().getByLabel('E-postadress').fill('ingen.alls@sjostad.se');
    await form().getByRole('checkbox', { name: 'Medarbetare' }).check();
    const refused = await submit(page, form().getByRole('button', { name: 'Spara roller' }));
    assert.equal(refused.status(), 422);
    assert.match(await page.locator('#member-email-error').innerText(), /Det finns ingen person med den e-postadressen/);
    assert.equal(await page.locator('#member-email').inputValue(), 'ingen.alls@sjostad.se');
    assert.ok(await form().getByRole('checkbox', { name: 'Medarbetare' }).isChecked(), 'the ticks are kept');

    await form().getByLabel('E-postadress').fill('sara.karlsson@sjostad.se');
    await submit(page, form().getByRole('button', { name: 'Spara roller' }));
    assert.equal(new URL(page.url()).pathname, path);
    assert.match(await page.getByRole('status').innerText(), /Rollerna är sparade/);
    const row = page.getByRole('row', { name: /Sara Karlsson/ });
    assert.match(await row.innerText(), /Medarbetare/);

    // The grant is in the history too.
    await visit(page, `${path}/historik`);
    assert.match(await page.locator('li.event').first().getByRole('heading').innerText(), /Roller för Sara Karlsson: skapade$/);
    assertAudited(page);
  });

  test('the list, my account and the people pages pass the checks', async () => {
    await visit(page, '/organisationer?typ=board');
    const rows = await page.locator('tbody th').allInnerTexts();
    assert.deepEqual(rows, ['Kommunstyrelsen', 'Stadsdelsnämnd Norr', 'Utbildningsnämnden']);

    // The header has no organisation switcher: each list's own organisation filter is the scope.
    assert.equal(await page.locator('header form.switcher').count(), 0);

    await visit(page, '/konto');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Mitt konto');
    // The same page in English, and back.
    await submit(page, page.getByRole('button', { name: 'In English' }));
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'My account');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await submit(page, page.getByRole('button', { name: 'På svenska' }));
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Mitt konto');

    await visit(page, '/personer');
    const form = page.locator('#new-person');
    await form.getByLabel('Namn').fill('Testa Testsson');
    await form.getByLabel('E-postadress').fill('inte-en-adress');
    await form.getByLabel('Första lösenord').fill('kort');
    const response = await submit(page, form.getByRole('button', { name: 'Lägg upp personen' }));
    assert.equal(response.status(), 422);
    assert.equal(await page.locator('#person-email-error').innerText(), 'Ange en giltig e-postadress.');
    assert.equal(await page.locator('#person-password-error').innerText(), 'Minst 10 tecken.');
    assert.equal(await page.locator('#person-name').inputValue(), 'Testa Testsson');
    assertAudited(page);
  });
});
