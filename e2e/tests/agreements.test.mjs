// The register of processor agreements: a records keeper registers an agreement through the form
// (correcting a missing counterparty first) with a sub-processor and a third-country transfer without
// a safeguard, and finds it on its page and in the list; the DPO records a compliance check (after a
// refused one) and reads the history; another controller's DPO cannot open it, and an employee has
// no list. Every page is checked for accessibility.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertAudited, audit, launch, newPage, signIn, submit, unique, visit,
} from './helpers.mjs';

const KEEPER = 'fatima.hassan@sjostad.se';
const DPO = 'anna.lindqvist@sjostad.se';
const OTHER_DPO = 'mehmet.yilmaz@sjostad.se';
const EMPLOYEE = 'sara.karlsson@sjostad.se';

/** Follows a link, waits for the page it leads to, and checks it. */
async function follow(page, link) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), link.click()]);
  await audit(page);
}

/** Today in Sweden, YYYY-MM-DD (the server's idea of "today"). */
function today() {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date());
}

describe('register of processor agreements', () => {
  let browser;

  before(async () => {
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
  });

  test('registered by the records keeper, checked by the DPO, hidden from others', async () => {
    const keeper = await newPage(browser);
    await signIn(keeper, KEEPER);
    await follow(keeper, keeper.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Avtal' }));
    assert.equal(await keeper.getByRole('heading', { level: 1 }).innerText(), 'Personuppgiftsbiträdesavtal');
    await follow(keeper, keeper.getByRole('link', { name: 'Registrera avtal' }));

    // Everything but the counterparty: refused beside the counterparty field, with what was typed kept.
    const name = unique('PUB-avtal Lönesystem');
    const counterparty = unique('Lönetjänst AB');
    const form = keeper.locator('#record-form');
    await form.getByLabel('Avtalets namn').fill(name);
    await form.getByRole('radio', { name: 'Motparten är vårt personuppgiftsbiträde' }).check();
    await form.getByLabel('Diarienummer eller annan referens').fill('KS 2026/123');
    await form.getByLabel('Undertecknat').fill('2024-01-15');
    await form.getByLabel('Nästa översyn').fill('2025-01-15');
    const sub = form.getByRole('group', { name: 'Underbiträden, rad 1' });
    await sub.getByLabel('Namn').fill('Molndrift AB');
    await sub.getByLabel('Tjänst').fill('Drift');
    await sub.getByLabel('Land').fill('Sverige');
    const transfer = form.getByRole('group', { name: 'Överföring till tredjeland, rad 1' });
    await transfer.getByLabel('Land', { exact: true }).fill('USA');
    await transfer.getByLabel('Mottagare i landet').fill('Supportbolaget Inc.');
    await form.getByLabel('Exitplan', { exact: true }).fill('Uppgifterna lämnas tillbaka som CSV inom 30 dagar.');
    let response = await submit(keeper, form.getByRole('button', { name: 'Registrera avtalet' }));
    assert.equal(response.status(), 422);
    const input = keeper.locator('#f-counterparty');
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    assert.ok((await input.getAttribute('aria-describedby')).split(' ').includes('f-counterparty-error'));
    assert.equal(await keeper.locator('#f-counterparty-error').innerText(), 'Fältet måste fyllas i.');
    assert.equal(await keeper.getByRole('alert').getByRole('link', { name: 'Motpart: Fältet måste fyllas i.' }).getAttribute('href'), '#f-counterparty');
    assert.equal(await form.getByLabel('Avtalets namn').inputValue(), name);
    assert.equal(await form.getByLabel('Undertecknat').inputValue(), '2024-01-15');
    assert.equal(await sub.getByLabel('Namn').inputValue(), 'Molndrift AB');
    assert.equal(await transfer.getByLabel('Land', { exact: true }).inputValue(), 'USA');
    assert.equal(await form.getByRole('group', { name: 'Underbiträden, rad 3' }).count(), 1, 'two blank rows are offered again');

    await form.getByLabel('Motpart', { exact: true }).fill(counterparty);
    response = await submit(keeper, form.getByRole('button', { name: 'Registrera avtalet' }));
    assert.equal(response.status(), 200);
    const path = new URL(keeper.url()).pathname;
    assert.match(path, /^\/avtal\/[0-9a-f-]{36}$/);
    assert.match(await keeper.getByRole('status').first().innerText(), /Avtalet är registrerat/);
    assert.equal(await keeper.getByRole('heading', { level: 1 }).innerText(), name);
    assert.match(await keeper.locator('section[aria-labelledby="s-about"]').innerText(), new RegExp(counterparty));
    const subs = keeper.locator('section[aria-labelledby="s-subs"]').getByRole('table');
    assert.deepEqual(await subs.getByRole('row', { name: /Molndrift AB/ }).getByRole('cell').allInnerTexts(), ['Drift', 'Sverige']);
    const transfers = keeper.locator('section[aria-labelledby="s-transfers"]');
    assert.deepEqual(
      await transfers.getByRole('row', { name: /USA/ }).getByRole('cell').allInnerTexts(),
      ['Supportbolaget Inc.', 'Ej angivet', 'Nej', 'Nej'],
    );
    assert.match(await keeper.locator('#watch').innerText(), /1 av överföringarna saknar skyddsåtgärd/);
    assert.match(await keeper.locator('#review').innerText(), /2025-01-15 \(försenad, datumet har passerat\)/);

    // In the list, with the overdue review said in words.
    await visit(keeper, `/avtal?q=${encodeURIComponent(counterparty)}&forsenad=1`);
    assert.equal(await keeper.locator('.counts').innerText(), '1 avtal');
    const row = keeper.getByRole('row', { name: new RegExp(name) });
    assert.deepEqual(await row.getByRole('cell').allInnerTexts(), [
      // The passed review date is a gap, as the gaps page says.
      'Stadsledningskontoret', '2025-01-15 (försenad)', '1', '',
    ]);
    await follow(keeper, row.getByRole('link', { name }));
    assertAudited(keeper);

    // The DPO records a compliance check: first without a finding, which is refused beside the field.
    const dpo = await newPage(browser);
    await signIn(dpo, DPO);
    await visit(dpo, path);
    const check = dpo.locator('#check-form');
    assert.equal(await check.getByLabel('Datum', { exact: true }).inputValue(), today());
    await check.getByLabel('Uppföljning', { exact: true }).fill('Begär loggar från motparten.');
    response = await submit(dpo, check.getByRole('button', { name: 'Registrera kontrollen' }));
    assert.equal(response.status(), 422);
    assert.equal(await dpo.locator('#c-finding-error').innerText(), 'Fältet måste fyllas i.');
    assert.equal(await dpo.getByRole('alert').getByRole('link', { name: 'Iakttagelse: Fältet måste fyllas i.' }).getAttribute('href'), '#c-finding');
    assert.equal(await check.getByLabel('Uppföljning', { exact: true }).inputValue(), 'Begär loggar från motparten.');
    await check.getByLabel('Iakttagelse').fill('Loggar över åtkomst saknas.');
    await check.getByLabel('Uppföljning senast').fill('2099-12-31');
    response = await submit(dpo, check.getByRole('button', { name: 'Registrera kontrollen' }));
    assert.equal(response.status(), 200);
    assert.match(await dpo.getByRole('status').first().innerText(), /Efterlevnadskontrollen är registrerad/);
    const log = dpo.getByRole('table', { name: 'Efterlevnadskontroller, den senaste först' });
    const entry = log.getByRole('row', { name: new RegExp(today()) });
    const cells = await entry.getByRole('cell').allInnerTexts();
    assert.deepEqual(cells.slice(0, 3), ['Loggar över åtkomst saknas.', 'Begär loggar från motparten.', '2099-12-31']);
    assert.match(cells[3], /^Anna Lindqvist, /);

    await follow(dpo, dpo.getByRole('link', { name: 'Visa historik för avtalet' }));
    const events = dpo.locator('li.event');
    assert.equal(await events.count(), 2, 'created, then a check recorded');
    assert.match(await events.first().getByRole('heading').innerText(), /Avtalet: ändrad$/);
    assert.match(await events.first().getByRole('row', { name: /^Efterlevnadskontroller/ }).innerText(), /Loggar över åtkomst saknas/);
    assert.match(await events.nth(1).getByRole('heading').innerText(), /Avtalet: skapad$/);
    assert.match(await events.nth(1).getByRole('row', { name: /^Motpart/ }).innerText(), new RegExp(counterparty));
    assert.match(await events.nth(1).locator('dl').innerText(), /Fatima Hassan/);
    assertAudited(dpo);

    // Another controller's DPO: the agreement does not exist for them, nor in their list.
    const other = await newPage(browser);
    await signIn(other, OTHER_DPO);
    response = await visit(other, path);
    assert.equal(response.status(), 404);
    assert.doesNotMatch(await other.content(), new RegExp(counterparty));
    response = await visit(other, `${path}/historik`);
    assert.equal(response.status(), 404);
    await visit(other, `/avtal?q=${encodeURIComponent(counterparty)}`);
    assert.match(await other.locator('main').innerText(), /Inga avtal matchar sökningen/);
    assertAudited(other);

    // An employee has no register: no menu entry and no list.
    const employee = await newPage(browser);
    await signIn(employee, EMPLOYEE);
    assert.equal(await employee.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Avtal' }).count(), 0);
    response = await visit(employee, '/avtal');
    assert.equal(response.status(), 403);
    response = await visit(employee, path);
    assert.equal(response.status(), 404);
    assertAudited(employee);
  });

  test('edited with a stale version keeps the typing, then deleted after confirmation', async () => {
    const keeper = await newPage(browser);
    await signIn(keeper, KEEPER);
    await visit(keeper, '/avtal/ny');
    const counterparty = unique('Skrivtjänst AB');
    await keeper.locator('#record-form').getByLabel('Motpart', { exact: true }).fill(counterparty);
    await submit(keeper, keeper.getByRole('button', { name: 'Registrera avtalet' }));
    const path = new URL(keeper.url()).pathname;

    // Someone else saves first (here through the API, with the same session).
    await follow(keeper, keeper.getByRole('link', { name: 'Redigera', exact: true }));
    const csrf = await keeper.locator('#record-form input[name="csrf"]').inputValue();
    const patched = await keeper.context().request.patch(`/api/v1/agreements/${path.split('/').pop()}`, {
      headers: { 'X-CSRF-Token': csrf },
      data: { description: 'Sparad först av någon annan.' },
    });
    assert.equal(patched.status(), 200);
    await keeper.getByLabel('Vad avtalet gäller').fill('Min beskrivning.');
    let response = await submit(keeper, keeper.getByRole('button', { name: 'Spara ändringarna' }));
    assert.equal(response.status(), 409);
    assert.match(await keeper.getByRole('alert').innerText(), /Någon annan har ändrat avtalet/);
    assert.equal(await keeper.getByLabel('Vad avtalet gäller').inputValue(), 'Min beskrivning.');
    await submit(keeper, keeper.getByRole('button', { name: 'Spara ändringarna' }));
    assert.equal(new URL(keeper.url()).pathname, path);
    assert.match(await keeper.getByRole('status').first().innerText(), /Ändringarna är sparade/);
    assert.match(await keeper.locator('section[aria-labelledby="s-about"]').innerText(), /Min beskrivning\./);

    await follow(keeper, keeper.getByRole('link', { name: 'Ta bort avtalet' }));
    assert.match(await keeper.getByRole('heading', { level: 1 }).innerText(), new RegExp(`Ta bort avtal: ${counterparty}`));
    response = await submit(keeper, keeper.getByRole('button', { name: 'Ja, ta bort avtalet' }));
    assert.equal(response.status(), 200);
    assert.equal(new URL(keeper.url()).pathname, '/avtal');
    assert.match(await keeper.getByRole('status').first().innerText(), /Avtalet är borttaget/);
    response = await visit(keeper, path);
    assert.equal(response.status(), 404);
    assertAudited(keeper);
  });
});
