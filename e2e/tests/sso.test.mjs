// Sign-in with the city's identity provider, in Chromium, through a real OpenID Connect provider
// (the `oidc-provider` package) on loopback: Ombud of its own, configured for that provider and to
// create people on first sign-in; a person signs in at the provider and lands in Ombud, signed in
// without any role; signing out offers the provider's sign-out, which leads back to Ombud.
// Ombud's pages pass the accessibility check (the provider's development pages are not Ombud's).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import Provider from 'oidc-provider';
import { audit, launch } from './helpers.mjs';

const BIN = process.env.OMBUD_BIN || 'target/debug/ombud';

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

let browser;
let idp;
let ombud;
let dir;
let ombudBase;

before(async () => {
  const idpPort = await freePort();
  const ombudPort = await freePort();
  const issuer = `http://127.0.0.1:${idpPort}`;
  ombudBase = `http://127.0.0.1:${ombudPort}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: 'ombud-e2e',
      client_secret: 'e2e-klienthemlighet-1',
      redirect_uris: [`${ombudBase}/logga-in/sso/klar`],
      post_logout_redirect_uris: [`${ombudBase}/logga-in`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // Whoever signs in at the development login form is the account of that name.
    findAccount: (_ctx, id) => ({
      accountId: id,
      claims: () => ({ sub: id, email: `${id}@sjostad.se`, email_verified: true, name: 'Siv Single Sign-on' }),
    }),
    cookies: { keys: ['e2e-nyckel-som-bara-testet-har'] },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  });
  provider.proxy = false;
  idp = provider.listen(idpPort);

  dir = mkdtempSync(join(tmpdir(), 'ombud-sso-'));
  ombud = spawn(BIN, ['serve', '--bind', `127.0.0.1:${ombudPort}`], {
    env: {
      ...process.env,
      OMBUD_DATABASE_URL: `sqlite://${dir}/ombud.db`,
      OMBUD_PUBLIC_URL: ombudBase,
      OMBUD_OIDC_ISSUER: issuer,
      OMBUD_OIDC_CLIENT_ID: 'ombud-e2e',
      OMBUD_OIDC_CLIENT_SECRET: 'e2e-klienthemlighet-1',
      OMBUD_OIDC_LABEL: 'Sjöstads inloggning',
      OMBUD_OIDC_CREATE_PEOPLE: 'true',
      OMBUD_LOG: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 240; i++) {
    const ok = await fetch(`${ombudBase}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  browser = await launch();
});

after(async () => {
  await browser?.close();
  ombud?.kill();
  await new Promise((r) => idp?.close(r));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a person signs in through the city\'s identity provider and out again', async () => {
  const context = await browser.newContext({ locale: 'sv-SE', baseURL: ombudBase });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto('/logga-in');
  await audit(page);
  await Promise.all([
    page.waitForURL((u) => u.origin !== ombudBase),
    page.getByRole('link', { name: 'Logga in med Sjöstads inloggning' }).click(),
  ]);
  // At the provider: its development login, then its consent.
  await page.locator('input[name=login]').fill('siv.sso');
  await page.locator('input[name=password]').fill('vad som helst');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign-in' }).click()]);
  await Promise.all([
    page.waitForURL((u) => u.origin === ombudBase),
    page.getByRole('button', { name: 'Continue' }).click(),
  ]);
  await page.waitForLoadState('load');
  assert.equal(new URL(page.url()).pathname, '/', `${page.url()}: ${await page.locator('body').innerText()}`);
  await audit(page);
  assert.match(await page.locator('body').innerText(), /Siv Single Sign-on/);

  // Signed out of Ombud; the provider's sign-out is offered, and leads back to Ombud.
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Logga ut' }).click()]);
  await audit(page);
  const providerOut = page.getByRole('link', { name: 'Logga ut även från kommunens inloggning' });
  await Promise.all([page.waitForURL((u) => u.origin !== ombudBase), providerOut.click()]);
  await Promise.all([
    page.waitForURL((u) => u.origin === ombudBase),
    page.getByRole('button', { name: 'Yes, sign me out' }).click(),
  ]);
  assert.equal(new URL(page.url()).pathname, '/logga-in');
  await audit(page);
  await context.close();
});

test('someone the provider knows is refused a session when the state is not theirs', async () => {
  const context = await browser.newContext({ locale: 'sv-SE', baseURL: ombudBase });
  const page = await context.newPage();
  const res = await page.goto('/logga-in/sso/klar?code=x&state=inte-din');
  assert.equal(res.status(), 400);
  assert.match(await page.locator('h1').innerText(), /Inloggningen gick inte igenom/);
  await audit(page);
  await context.close();
});
