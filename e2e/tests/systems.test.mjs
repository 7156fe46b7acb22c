// The register of IT systems: a system owner registers a system through the form (correcting a
// validation error first) with a KLASSA classification, an action-plan row and a linked agreement;
// finds it in the list; edits it (a stale edit keeps what was typed) and sees the change in its
// history. The DPO of the same controller
// reads it, an employee and the DPO of another controller get nothing. Removing it asks first. Every
// page is checked for accessibility.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertAudited, audit, launch, newPage, signIn, submit, unique, visit,
} from './helpers.mjs';

const OWNER = 'lars.nilsson@sjostad.se';
const DPO = 'anna.lindqvist@sjostad.se';
const EMPLOYEE = 'sara.karlsson@sjostad.se';
const OTHER_DPO = 'mehmet.yilmaz@sjostad.se';

/** Follows a link, waits for the page it leads to, and checks it. */
async function follow(page, link) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), link.click()]);
  await audit(page);
}

describe('register of IT systems', () => {
  let browser;

  before(async () => {
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
  });

  test('registered and edited by the system owner, read by the DPO, hidden from others', async () => {
    const owner = await newPage(browser);
    await signIn(owner, OWNER);
    await follow(owner, owner.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'System', exact: true }));
    assert.equal(await owner.getByRole('heading', { level: 1 }).innerText(), 'System');
    await follow(owner, owner.getByRole('link', { name: 'Registrera system' }));

    // The owner's one organisation is chosen already. An agreement of the same controller to link,
    // made through the API with this session, appears in the form once it is shown again.
    const form = owner.locator('#record-form');
    // Checked as it is filled in: a name left empty is pointed out before anything is saved.
    await form.getByLabel('Namn', { exact: true }).fill('x');
    await form.getByLabel('Namn', { exact: true }).fill('');
    await form.getByLabel('Beskrivning').focus();
    await owner.locator('#f-name-error').waitFor();
    assert.equal(await owner.locator('#f-name-error').innerText(), 'Fältet måste fyllas i.');
    const orgId = await form.getByLabel('Organisation', { exact: true }).inputValue();
    assert.match(orgId, /^[0-9a-f-]{36}$/, 'the only organisation is preselected');
    const csrf = await form.locator('input[name="csrf"]').inputValue();
    const agreementName = unique('Driftavtal');
    const made = await owner.context().request.post('/api/v1/agreements', {
      headers: { 'X-CSRF-Token': csrf },
      data: { organisation_id: orgId, name: agreementName, counterparty: 'Driftbolaget AB' },
    });
    assert.equal(made.status(), 201, await made.text());
    const agreementId = (await made.json()).id;
    await visit(owner, '/system/ny');

    // Everything but the name: refused beside the name field, with what was typed kept.
    const name = unique('Ekonomisystem');
    await form.getByLabel('Leverantör').fill('Leverantören AB');
    await form.getByLabel('Objektägare').fill('Ekonomichefen');
    await form.getByRole('checkbox', { name: 'Innehåller personuppgifter' }).check();
    await form.getByLabel('Konfidentialitet').selectOption({ label: '3 – Hög' });
    await form.getByLabel('Riktighet').selectOption({ label: '2 – Måttlig' });
    await form.getByLabel('Tillgänglighet').selectOption({ label: '4 – Mycket hög' });
    const today = new Date().toISOString().slice(0, 10);
    await form.getByLabel('Klassad den').fill(today);
    await owner.locator('#f-action_plan-0-action').fill('Inför tvåfaktorsinloggning');
    await owner.locator('#f-action_plan-0-responsible').fill('IT-chefen');
    await owner.locator('#f-action_plan-0-due').fill('2030-06-30');
    await owner.locator('#f-action_plan-0-status').selectOption('ongoing');
    await form.getByRole('checkbox', { name: new RegExp(agreementName) }).check();
    let response = await submit(owner, form.getByRole('button', { name: 'Registrera systemet' }));
    assert.equal(response.status(), 422);
    const nameInput = owner.locator('#f-name');
    assert.equal(await nameInput.getAttribute('aria-invalid'), 'true');
    assert.ok((await nameInput.getAttribute('aria-describedby')).split(' ').includes('f-name-error'));
    assert.equal(await owner.locator('#f-name-error').innerText(), 'Fältet måste fyllas i.');
    assert.equal(await owner.getByRole('alert').getByRole('link', { name: 'Namn: Fältet måste fyllas i.' }).getAttribute('href'), '#f-name');
    assert.equal(await form.getByLabel('Leverantör').inputValue(), 'Leverantören AB');
    assert.equal(await form.getByLabel('Konfidentialitet').inputValue(), '3');
    assert.equal(await form.getByLabel('Klassad den').inputValue(), today);
    assert.equal(await owner.locator('#f-action_plan-0-action').inputValue(), 'Inför tvåfaktorsinloggning');
    assert.equal(await owner.locator('#f-action_plan-0-status').inputValue(), 'ongoing');
    assert.ok(await form.getByRole('checkbox', { name: 'Innehåller personuppgifter' }).isChecked(), 'the ticks are kept');
    assert.ok(await form.getByRole('checkbox', { name: new RegExp(agreementName) }).isChecked(), 'the agreement stays ticked');
    assert.equal(await owner.locator('#f-action_plan-2-action').count(), 1, 'two blank rows follow the filled one');

    await form.getByLabel('Namn', { exact: true }).fill(name);
    response = await submit(owner, form.getByRole('button', { name: 'Registrera systemet' }));
    assert.equal(response.status(), 200);
    const path = new URL(owner.url()).pathname;
    assert.match(path, /^\/system\/[0-9a-f-]{36}$/);
    assert.match(await owner.getByRole('status').first().innerText(), /Systemet är registrerat/);
    assert.equal(await owner.getByRole('heading', { level: 1 }).innerText(), name);
    assert.match(await owner.locator('#classification').innerText(), /Klassningen är aktuell\./);
    const classification = await owner.locator('section[aria-labelledby="s-classification"]').innerText();
    assert.match(classification, /Konfidentialitet\s+3 – Hög/);
    assert.match(classification, /Tillgänglighet\s+4 – Mycket hög/);
    const plan = owner.getByRole('table', { name: 'Åtgärdsplan' });
    assert.deepEqual(
      await plan.getByRole('row', { name: /Inför tvåfaktorsinloggning/ }).getByRole('cell').allInnerTexts(),
      ['IT-chefen', '2030-06-30', 'Pågår'],
    );
    assert.equal(await owner.getByRole('link', { name: agreementName }).getAttribute('href'), `/avtal/${agreementId}`);
    assert.match(await owner.locator('#gaps').innerText(), /inte kopplat till någon behandling/);
    assert.match(await owner.locator('section[aria-labelledby="s-responsibility"]').innerText(), /Egen upphandling/);

    // The list finds it by search, and with the organisation chosen shows the annual report's figures.
    await visit(owner, `/system?q=${encodeURIComponent(name)}&organisation=${orgId}`);
    const row = owner.getByRole('row', { name: new RegExp(name) });
    // The classification is reviewed a year on; the row says so, and that the system holds personal data.
    assert.match(await row.innerText(), new RegExp(`${Number(today.slice(0, 4)) + 1}-\\d{2}-\\d{2}`));
    assert.match(await row.innerText(), /Innehåller personuppgifter/);
    assert.match(await owner.locator('#figures').innerText(), /System totalt\s+\d+/);
    await visit(owner, `/system?q=${encodeURIComponent(name)}&klassad=nej`);
    assert.equal(await owner.getByRole('row', { name: new RegExp(name) }).count(), 0, 'it is classified');
    assert.equal(await owner.locator('.counts').innerText(), '0 system');
    await visit(owner, `/system?q=${encodeURIComponent(name)}`);
    await follow(owner, owner.getByRole('row', { name: new RegExp(name) }).getByRole('link', { name }));

    await follow(owner, owner.getByRole('link', { name: 'Redigera', exact: true }));
    assert.equal(await owner.getByLabel('Objektägare').inputValue(), 'Ekonomichefen');
    // A stale edit: someone else saves first (here through the API, with the same session); this
    // form is refused with 409 and keeps the typing, and saving again is a decision made knowing it.
    const patched = await owner.context().request.patch(`/api/v1/systems/${path.split('/').pop()}`, {
      headers: { 'X-CSRF-Token': csrf },
      data: { description: 'Sparad först av någon annan.' },
    });
    assert.equal(patched.status(), 200);
    await owner.getByLabel('Objektförvaltare').fill('Systemförvaltaren');
    await owner.getByRole('radio', { name: 'Centralt tillhandahållet' }).check();
    response = await submit(owner, owner.getByRole('button', { name: 'Spara ändringarna' }));
    assert.equal(response.status(), 409);
    assert.match(await owner.getByRole('alert').innerText(), /Någon annan har ändrat systemet/);
    assert.equal(await owner.getByLabel('Objektförvaltare').inputValue(), 'Systemförvaltaren');
    assert.ok(await owner.getByRole('radio', { name: 'Centralt tillhandahållet' }).isChecked());
    await owner.getByLabel('Beskrivning').fill('Sparad först av någon annan. Kompletterad.');
    await submit(owner, owner.getByRole('button', { name: 'Spara ändringarna' }));
    assert.equal(new URL(owner.url()).pathname, path);
    assert.match(await owner.getByRole('status').first().innerText(), /Ändringarna är sparade/);
    const responsibility = await owner.locator('section[aria-labelledby="s-responsibility"]').innerText();
    assert.match(responsibility, /Systemförvaltaren/);
    assert.match(responsibility, /Centralt tillhandahållet/);

    await follow(owner, owner.getByRole('link', { name: 'Visa historik för systemet' }));
    const events = owner.locator('li.event');
    assert.equal(await events.count(), 3, 'registered, edited through the API, then in the form');
    assert.match(await events.first().getByRole('heading').innerText(), /Systemet: ändrad$/);
    const managerRow = events.first().getByRole('row', { name: /^Objektförvaltare/ });
    assert.deepEqual(await managerRow.getByRole('cell').allInnerTexts(), ['Ej angivet', 'Systemförvaltaren']);
    assert.match(await events.last().innerText(), /Konfidentialitet: 3 – Hög/);
    assertAudited(owner);

    // The DPO of the same controller reads it.
    const dpo = await newPage(browser);
    await signIn(dpo, DPO);
    response = await visit(dpo, path);
    assert.equal(response.status(), 200);
    assert.equal(await dpo.getByRole('heading', { level: 1 }).innerText(), name);
    assertAudited(dpo);

    // An employee has no register; another controller's DPO cannot learn that the system exists.
    const employee = await newPage(browser);
    await signIn(employee, EMPLOYEE);
    assert.equal(await employee.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'System', exact: true }).count(), 0);
    response = await visit(employee, '/system');
    assert.equal(response.status(), 403);
    response = await visit(employee, path);
    assert.equal(response.status(), 404);
    assertAudited(employee);

    const other = await newPage(browser);
    await signIn(other, OTHER_DPO);
    for (const p of [path, `${path}/redigera`, `${path}/historik`, `${path}/ta-bort`]) {
      response = await visit(other, p);
      assert.equal(response.status(), 404, p);
      assert.doesNotMatch(await other.content(), new RegExp(name));
    }
    await visit(other, `/system?q=${encodeURIComponent(name)}`);
    assert.equal(await other.getByRole('row', { name: new RegExp(name) }).count(), 0);
    assert.equal(await other.locator('.counts').innerText(), '0 system', 'not even counted');
    assertAudited(other);

    // Removing asks first, then leads back to the list.
    await visit(owner, path);
    await follow(owner, owner.getByRole('link', { name: 'Ta bort systemet' }));
    assert.match(await owner.getByRole('heading', { level: 2, name: /Vill du ta bort systemet/ }).innerText(), new RegExp(name));
    await submit(owner, owner.getByRole('button', { name: 'Ja, ta bort systemet' }));
    assert.equal(new URL(owner.url()).pathname, '/system');
    assert.match(await owner.getByRole('status').first().innerText(), /Systemet är borttaget/);
    response = await visit(owner, path);
    assert.equal(response.status(), 404);
    assertAudited(owner);
  });
});
