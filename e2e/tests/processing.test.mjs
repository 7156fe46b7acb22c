// The register of processing activities: a records keeper registers a processing activity through the
// form (correcting a validation error first) and submits it for review with a gap still open; the DPO
// finds it on the start page, cannot approve it while the gap is open and sends it back with a
// comment; the keeper finds the comment on the start page, completes the record and submits it again;
// the DPO approves it. A demo record with a gap is approved anyway, with a reason. An employee can
// neither find nor open the register, and is told whom to contact. A stale edit keeps what was typed.
// Every page is checked for accessibility. (Gaps by organisation are tried in import.test.mjs.)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertAudited, audit, launch, newPage, signIn, submit, unique, visit,
} from './helpers.mjs';

const KEEPER = 'fatima.hassan@sjostad.se';
const DPO = 'anna.lindqvist@sjostad.se';
const EMPLOYEE = 'sara.karlsson@sjostad.se';

/** Follows a link, waits for the page it leads to, and checks it. */
async function follow(page, link) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), link.click()]);
  await audit(page);
}

describe('register of processing activities', () => {
  let browser;

  before(async () => {
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
  });

  test('registered by the records keeper, reviewed and approved by the DPO, hidden from an employee', async () => {
    const keeper = await newPage(browser);
    await signIn(keeper, KEEPER);
    await follow(keeper, keeper.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Behandlingar' }));
    assert.equal(await keeper.getByRole('heading', { level: 1 }).innerText(), 'Behandlingar');
    await follow(keeper, keeper.getByRole('link', { name: 'Registrera behandling' }));

    // As it is filled in, the form is checked before anything is saved: a name left empty says so
    // beside the field at once, typing one removes the message, and the panel lists what the
    // register would still lack.
    const name = unique('Bygglovshandläggning');
    const form = keeper.locator('#record-form');
    const nameField = form.getByLabel('Namn', { exact: true });
    await nameField.fill('x');
    await nameField.fill('');
    await form.getByLabel('Ändamål', { exact: true }).focus();
    await keeper.locator('#f-name-error').waitFor();
    assert.equal(await keeper.locator('#f-name-error').innerText(), 'Fältet måste fyllas i.');
    assert.equal(await keeper.locator('#f-name').getAttribute('aria-invalid'), 'true');
    await nameField.fill(name);
    await keeper.locator('#f-name-error').waitFor({ state: 'detached' });
    const check = keeper.locator('#record-check');
    await check.getByText('Lagringstid eller gallringsregel saknas.').waitFor();
    await audit(keeper);
    await nameField.fill('');

    // Everything but the name: refused beside the name field, with what was typed kept.
    await form.getByLabel('Ändamål', { exact: true }).fill('Att handlägga ansökningar om bygglov.');
    await form.getByRole('checkbox', { name: 'Allmänt intresse eller myndighetsutövning (e)' }).check();
    await form.getByLabel('Kategorier av registrerade').fill('Sökande\nGrannar');
    await form.getByRole('checkbox', { name: 'Personnummer behandlas' }).check();
    let response = await submit(keeper, form.getByRole('button', { name: 'Registrera behandlingen' }));
    assert.equal(response.status(), 422);
    // The page opens on what to correct: "Fel:" first in the title, the focus on the summary.
    assert.match(await keeper.title(), /^Fel: /);
    assert.equal(await keeper.evaluate(() => document.activeElement?.id), 'error-summary');
    const nameInput = keeper.locator('#f-name');
    assert.equal(await nameInput.getAttribute('aria-invalid'), 'true');
    assert.ok((await nameInput.getAttribute('aria-describedby')).split(' ').includes('f-name-error'));
    assert.equal(await keeper.locator('#f-name-error').innerText(), 'Fältet måste fyllas i.');
    assert.equal(await keeper.getByRole('alert').getByRole('link', { name: 'Namn: Fältet måste fyllas i.' }).getAttribute('href'), '#f-name');
    assert.equal(await form.getByLabel('Ändamål', { exact: true }).inputValue(), 'Att handlägga ansökningar om bygglov.');
    assert.equal(await form.getByLabel('Kategorier av registrerade').inputValue(), 'Sökande\nGrannar');
    assert.ok(await form.getByRole('checkbox', { name: 'Personnummer behandlas' }).isChecked(), 'the ticks are kept');

    await form.getByLabel('Namn', { exact: true }).fill(name);
    response = await submit(keeper, form.getByRole('button', { name: 'Registrera behandlingen' }));
    assert.equal(response.status(), 200);
    const path = new URL(keeper.url()).pathname;
    assert.match(path, /^\/behandlingar\/[0-9a-f-]{36}$/);
    assert.match(await keeper.getByRole('status').first().innerText(), /Behandlingen är registrerad/);
    assert.equal(await keeper.getByRole('heading', { level: 1 }).innerText(), name);
    const gaps = keeper.locator('#gaps');
    assert.match(await gaps.innerText(), /Lagringstid eller gallringsregel saknas\./);
    assert.match(await keeper.locator('section[aria-labelledby="s-subjects"]').innerText(), /Sökande\s+Grannar/);

    // A stale edit: someone else saves first (here through the API, with the same session); this
    // form is refused with 409 and keeps the typing.
    await follow(keeper, keeper.getByRole('link', { name: 'Redigera', exact: true }));
    const csrf = await keeper.locator('#record-form input[name="csrf"]').inputValue();
    const patched = await keeper.context().request.patch(`/api/v1/processing-activities/${path.split('/').pop()}`, {
      headers: { 'X-CSRF-Token': csrf },
      data: { description: 'Sparad först av någon annan.' },
    });
    assert.equal(patched.status(), 200);
    await keeper.getByLabel('Ansvarig', { exact: true }).fill('Bygglovschefen');
    response = await submit(keeper, keeper.getByRole('button', { name: 'Spara ändringarna' }));
    assert.equal(response.status(), 409);
    assert.match(await keeper.getByRole('alert').innerText(), /Någon annan har ändrat behandlingen/);
    assert.equal(await keeper.getByLabel('Ansvarig', { exact: true }).inputValue(), 'Bygglovschefen');
    // Saving again is a decision made knowing of the other change; completing the record removes its gap.
    await keeper.getByLabel('Lagringstid', { exact: true }).fill('Gallras två år efter beslut.');
    // The controller's systems and agreements are offered to link (the demo city has them).
    await keeper.getByRole('group', { name: 'Kopplade system' }).getByRole('checkbox', { name: 'Public 360°' }).check();
    await keeper.getByRole('group', { name: 'Kopplade personuppgiftsbiträdesavtal' }).getByRole('checkbox', { name: 'Tietoevry Sweden AB' }).check();
    await submit(keeper, keeper.getByRole('button', { name: 'Spara ändringarna' }));
    assert.equal(new URL(keeper.url()).pathname, path);
    assert.match(await keeper.getByRole('status').first().innerText(), /Ändringarna är sparade/);
    // Art. 30.1 c asks for the categories of personal data too: still a gap.
    assert.match(await gaps.innerText(), /Kategorier av personuppgifter saknas/);
    assert.match(await keeper.locator('section[aria-labelledby="s-basics"]').innerText(), /Bygglovschefen/);
    const links = keeper.locator('section[aria-labelledby="s-links"]');
    assert.equal(await links.getByRole('link', { name: 'Public 360°' }).getAttribute('href').then((h) => h.startsWith('/system/')), true);
    assert.equal(await links.getByRole('link', { name: 'Tietoevry Sweden AB' }).count(), 1);

    await submit(keeper, keeper.getByRole('button', { name: 'Skicka till granskning' }));
    assert.match(await keeper.getByRole('status').first().innerText(), /skickad till granskning/);
    assert.match(await keeper.locator('#workflow').innerText(), /Redo för granskning/);
    assert.equal(await keeper.getByRole('button', { name: 'Påbörja granskning' }).count(), 0, 'only the DPO reviews');
    assertAudited(keeper);

    // The DPO's start page lists it as waiting for review, with the demo's own waiting record.
    const dpo = await newPage(browser);
    await signIn(dpo, DPO);
    const waiting = dpo.locator('section[aria-labelledby="wl-awaiting"]');
    assert.match(await waiting.innerText(), /Diarieföring och ärendehantering/);
    await follow(dpo, waiting.getByRole('link', { name }));
    assert.equal(new URL(dpo.url()).pathname, path);
    const review = dpo.locator('#review-form');
    assert.match(await review.innerText(), /Kategorier av personuppgifter saknas/);

    // Approval is refused while the gap is open; sending back needs a comment.
    await review.getByRole('radio', { name: 'Godkänd' }).check();
    response = await submit(dpo, review.getByRole('button', { name: 'Spara granskningen' }));
    assert.equal(response.status(), 409);
    assert.match(await dpo.locator('#workflow-error').innerText(), /kan inte godkännas medan den har brister/);
    await dpo.locator('#review-form').getByRole('radio', { name: 'Skickas tillbaka för komplettering' }).check();
    response = await submit(dpo, dpo.locator('#review-form').getByRole('button', { name: 'Spara granskningen' }));
    assert.equal(response.status(), 409);
    assert.match(await dpo.locator('#workflow-error').innerText(), /Skriv en kommentar/);
    const comment = 'Ange vilka kategorier av personuppgifter som behandlas.';
    await dpo.locator('#review-form').getByRole('radio', { name: 'Skickas tillbaka för komplettering' }).check();
    await dpo.locator('#review-form').getByLabel('Kommentar').fill(comment);
    await submit(dpo, dpo.locator('#review-form').getByRole('button', { name: 'Spara granskningen' }));
    assert.match(await dpo.getByRole('status').first().innerText(), /skickad tillbaka med din kommentar/);
    assert.match(await dpo.locator('#workflow').innerText(), /Under bearbetning/);

    // The keeper finds the comment on the start page, completes the record and submits it again.
    await visit(keeper, '/');
    const returned = keeper.locator('section[aria-labelledby="wl-returned"]');
    assert.match(await returned.innerText(), new RegExp(comment));
    assert.match(await returned.innerText(), /Lagringstid och gallringsregel saknas/, 'the demo record sent back');
    await follow(keeper, returned.getByRole('link', { name }));
    assert.match(await keeper.locator('#workflow').innerText(), new RegExp(comment));
    await follow(keeper, keeper.getByRole('link', { name: 'Redigera', exact: true }));
    await keeper.getByLabel('Kategorier av personuppgifter').fill('Namn och kontaktuppgifter\nFastighetsbeteckning');
    await submit(keeper, keeper.getByRole('button', { name: 'Spara ändringarna' }));
    assert.match(await gaps.innerText(), /Inga brister hittades/);
    await submit(keeper, keeper.getByRole('button', { name: 'Skicka till granskning' }));
    assertAudited(keeper);

    // The DPO approves it: one step, worded as the DPO's review.
    await visit(dpo, path);
    await dpo.locator('#review-form').getByRole('radio', { name: 'Godkänd' }).check();
    await submit(dpo, dpo.locator('#review-form').getByRole('button', { name: 'Spara granskningen' }));
    assert.match(await dpo.getByRole('status').first().innerText(), /behandlingen är godkänd/);
    const workflow = await dpo.locator('#workflow').innerText();
    assert.match(workflow, /Godkänd/);
    assert.match(workflow, /Granskad av dataskyddsombudet Anna Lindqvist/);
    const nextYear = String(new Date().getFullYear() + 1);
    assert.match(workflow, new RegExp(`Nästa översyn\\s+${nextYear}-\\d{2}-\\d{2}`), 'reviewed again in a year');

    await follow(dpo, dpo.getByRole('link', { name: 'Visa historik för behandlingen' }));
    const events = dpo.locator('li.event');
    assert.ok((await events.count()) >= 7, 'created, three edits, four steps');
    assert.match(await events.first().getByRole('heading').innerText(), /Behandlingen: ny status$/);
    const statusRow = events.first().getByRole('row', { name: /^Status/ });
    assert.deepEqual(await statusRow.getByRole('cell').allInnerTexts(), ['Redo för granskning', 'Godkänd']);
    const returnRow = dpo.locator('li.event').getByRole('row', { name: /^Skickad tillbaka/ }).first();
    assert.match(await returnRow.innerText(), new RegExp(comment));

    // A record with a gap approved anyway: the reason is required and kept.
    await visit(dpo, '/behandlingar?q=Synpunkter');
    await follow(dpo, dpo.getByRole('link', { name: 'Synpunkter och klagomål', exact: true }));
    const demoPath = new URL(dpo.url()).pathname;
    await submit(dpo, dpo.getByRole('button', { name: 'Skicka till granskning' }));
    await dpo.locator('#review-form').getByRole('radio', { name: 'Godkänd' }).check();
    await dpo.locator('#review-form').getByRole('checkbox', { name: 'Godkänn ändå' }).check();
    response = await submit(dpo, dpo.locator('#review-form').getByRole('button', { name: 'Spara granskningen' }));
    assert.equal(response.status(), 409, 'no reason, no approval');
    const reason = 'Gallringsbeslut väntar på arkivmyndigheten; godkänd i avvaktan.';
    await dpo.locator('#review-form').getByRole('radio', { name: 'Godkänd' }).check();
    await dpo.locator('#review-form').getByRole('checkbox', { name: 'Godkänn ändå' }).check();
    await dpo.locator('#review-form').getByLabel('Kommentar').fill(reason);
    await submit(dpo, dpo.locator('#review-form').getByRole('button', { name: 'Spara granskningen' }));
    assert.equal(new URL(dpo.url()).pathname, demoPath);
    const approved = await dpo.locator('#workflow').innerText();
    assert.match(approved, /Godkänd trots brister/);
    assert.match(approved, new RegExp(reason));
    assertAudited(dpo);

    // An employee has no register: no menu entry, no list, and the record does not exist for them.
    const employee = await newPage(browser);
    await signIn(employee, EMPLOYEE);
    assert.equal(await employee.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Behandlingar' }).count(), 0);
    response = await visit(employee, '/behandlingar');
    assert.equal(response.status(), 403);
    response = await visit(employee, path);
    assert.equal(response.status(), 404);
    assert.doesNotMatch(await employee.content(), new RegExp(name));
    // What an employee is told on the start page: whom to contact about a breach or a request.
    await visit(employee, '/');
    const report = employee.locator('section[aria-labelledby="report-heading"]');
    assert.match(await report.innerText(), /anna\.lindqvist@sjostad\.se/);
    assertAudited(employee);
  });
});
