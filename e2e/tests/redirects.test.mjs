// Where the sign-in page and the language switch send a browser afterwards: only to a page of this
// site, however the address is dressed up — the browser itself resolves each `Location` here.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, PASSWORD, assertAudited, audit, launch, newPage, signIn, submit, visit,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const site = new URL(BASE_URL).host;

test('a next= that would leave the site signs in to the start page', async () => {
  for (const next of ['/%09/evil.example', '/%0d%0a/x', '/%5Cevil.example', '//evil.example', '/.//evil.example']) {
    const page = await newPage(browser);
    await visit(page, `/logga-in?next=${next}`);
    assert.equal(await page.locator('input[name="next"]').inputValue(), '/', `next=${next}`);
    await page.getByLabel('E-postadress').fill('anna.lindqvist@sjostad.se');
    await page.getByLabel('Lösenord').fill(PASSWORD);
    const response = await submit(page, page.getByRole('button', { name: 'Logga in' }));
    assert.equal(response.status(), 200, `next=${next}`);
    const url = new URL(page.url());
    assert.equal(url.host, site, `next=${next} led to ${page.url()}`);
    assert.equal(url.pathname, '/', `next=${next}`);
    // Signed in, the page sends on at once: to this site only.
    const again = await page.goto(`/logga-in?next=${next}`);
    assert.equal(again?.status(), 200);
    await audit(page);
    assert.equal(new URL(page.url()).host, site);
    assertAudited(page);
    await page.context().close();
  }
});

test('a next= on this site is where sign-in leads', async () => {
  const page = await newPage(browser);
  await page.goto('/konto');
  await audit(page);
  await page.getByLabel('E-postadress').fill('anna.lindqvist@sjostad.se');
  await page.getByLabel('Lösenord').fill(PASSWORD);
  await submit(page, page.getByRole('button', { name: 'Logga in' }));
  assert.equal(new URL(page.url()).pathname, '/konto');
  assertAudited(page);
});

test('the language switch needs the session\'s token and goes back only to this site', async () => {
  const page = await newPage(browser);
  await signIn(page, 'anna.lindqvist@sjostad.se');
  const csrf = await page.locator('input[name="csrf"]').first().inputValue();

  /** Posts the language form as a page of this site would, with the fields given. */
  async function post(fields) {
    const [response] = await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.evaluate((f) => {
        const form = document.createElement('form');
        form.method = 'post';
        form.action = '/sprak';
        for (const [k, v] of Object.entries(f)) {
          const input = document.createElement('input');
          input.type = 'hidden';
          input.name = k;
          input.value = v;
          form.append(input);
        }
        document.body.append(form);
        form.submit();
      }, fields),
    ]);
    await audit(page);
    return response;
  }

  const forged = await post({ lang: 'en', back: '/konto' });
  assert.equal(forged.status(), 403, 'without the token');
  await visit(page, '/');
  assert.equal(await page.locator('html').getAttribute('lang'), 'sv', 'nothing changed');

  const bounced = await post({ lang: 'en', back: '/\\evil.example', csrf });
  assert.equal(bounced.status(), 200);
  assert.equal(new URL(page.url()).host, site);
  assert.equal(new URL(page.url()).pathname, '/');
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');

  await post({ lang: 'sv', back: '/konto', csrf });
  assert.equal(new URL(page.url()).pathname, '/konto');
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Mitt konto');
  assertAudited(page);
});
