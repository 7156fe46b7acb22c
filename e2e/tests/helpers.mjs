// Shared by the browser tests: a headless Debian Chromium, signing in, and an accessibility check
// (axe, WCAG 2.1 A and AA) of every page a test visits.
//
// Every navigation of a tracked page is recorded; `audit(page)` checks the page as it is now, and
// `assertAudited(page)` fails the test if some page was visited but never checked, so that a test
// cannot skip the check by accident.

import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

export const BASE_URL = (process.env.OMBUD_BASE_URL || 'http://127.0.0.1:8095').replace(/\/$/, '');
export const PASSWORD = 'Ombud-demo-2026';
export const ADMIN = 'admin@sjostad.se';

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Starts Chromium the way this machine and CI can: Debian's build, no sandbox, no network chatter. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

const visited = new WeakMap();

/** A new browser context: its own cookies, so its own person signed in. */
export async function newContext(browser) {
  return browser.newContext({ locale: 'sv-SE', baseURL: BASE_URL });
}

/** A new page in its own context, with its navigations recorded. */
export async function newPage(browser) {
  return pageIn(await newContext(browser));
}

/** Another page (tab) in a context, sharing its session, with its navigations recorded. */
export async function pageIn(context) {
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const record = { seen: new Set(), audited: new Set() };
  visited.set(page, record);
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame() && !frame.url().startsWith('about:')) {
      record.seen.add(key(frame.url()));
    }
  });
  return page;
}

function key(url) {
  const u = new URL(url);
  return u.pathname + u.search;
}

/** Formats axe's violations so that a failure says what to fix and where. */
export function formatViolations(url, violations) {
  const lines = [`${violations.length} accessibility violation(s) on ${url}:`];
  for (const v of violations) {
    lines.push(`- [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`);
    for (const n of v.nodes.slice(0, 5)) {
      lines.push(`    at ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`);
    }
    if (v.nodes.length > 5) lines.push(`    … and ${v.nodes.length - 5} more`);
  }
  return lines.join('\n');
}

/** Checks the page as it is now against WCAG 2.1 A and AA; any violation fails the test. */
export async function audit(page) {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const url = page.url();
  visited.get(page)?.audited.add(key(url));
  if (results.violations.length > 0) {
    assert.fail(formatViolations(url, results.violations));
  }
  return results;
}

/** Goes to a path, checks its accessibility, and returns the response. */
export async function visit(page, path) {
  const response = await page.goto(path);
  assert.ok(response, `no response for ${path}`);
  await audit(page);
  return response;
}

/** Clicks a control that submits a form, waits for the page it leads to, checks it, and returns the response. */
export async function submit(page, control) {
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    control.click(),
  ]);
  assert.ok(response, 'the form led to no page');
  await audit(page);
  return response;
}

/** Fails if the page went somewhere that was never checked. */
export function assertAudited(page) {
  const record = visited.get(page);
  assert.ok(record, 'page was not made with newPage()');
  const missed = [...record.seen].filter((u) => !record.audited.has(u));
  assert.deepEqual(missed, [], `pages visited without an accessibility check: ${missed.join(', ')}`);
}

/** Signs in through the form (checking the sign-in page and the page after it). */
export async function signIn(page, email, password = PASSWORD) {
  await visit(page, '/logga-in');
  await page.getByLabel('E-postadress').fill(email);
  await page.getByLabel('Lösenord').fill(password);
  const response = await submit(page, page.getByRole('button', { name: 'Logga in' }));
  assert.equal(response.status(), 200, `sign-in as ${email} failed`);
  assert.equal(new URL(page.url()).pathname, '/', 'sign-in did not lead to the start page');
}

/** Finds an organisation's page through the list's search, returning its path. */
export async function findOrganisation(page, name) {
  await visit(page, `/organisationer?q=${encodeURIComponent(name)}`);
  const link = page.getByRole('link', { name, exact: true });
  const href = await link.first().getAttribute('href');
  assert.ok(href, `no link to ${name}`);
  return href;
}

/** A name no other test run uses, so tests can share one server. */
export function unique(prefix) {
  return `${prefix} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}
