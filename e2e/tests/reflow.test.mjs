// Reflow (WCAG 2.1 1.4.10): every page works at 320 CSS pixels wide, as well as at 1280, without
// the page scrolling sideways. Wide tables scroll inside their own box, fact lists become one
// column, long Swedish words break, and the dark header wraps. A zoom of 200 % on a 1280 px window
// is a 640 px viewport (400 % is 320 px), so 640 px is tried too. Every page is also checked for
// accessibility at each width.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN, assertAudited, audit, launch, newContext, newPage, pageIn, signIn, unique, visit,
} from './helpers.mjs';

const DPO = 'anna.lindqvist@sjostad.se';
const KEEPER = 'fatima.hassan@sjostad.se';
const KINDS = ['/behandlingar', '/system', '/avtal', '/incidenter', '/begaranden'];

const NARROW = { width: 320, height: 800 };
const WIDE = { width: 1280, height: 900 };
const ZOOMED = { width: 640, height: 400 };

/**
 * Fails if the page is wider than the window. The message names the path, the widths and the
 * outermost elements that stick out (those not inside a box of their own that scrolls).
 */
async function assertNoOverflow(page, what = '') {
  const m = await page.evaluate(() => {
    const iw = window.innerWidth;
    const sw = document.documentElement.scrollWidth;
    const culprits = [];
    if (sw > iw) {
      const clipped = (el) => {
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
          if (getComputedStyle(a).overflowX !== 'visible') return true;
        }
        return false;
      };
      const sticksOut = (el) => el.getBoundingClientRect().right > iw + 0.5;
      for (const el of document.body.querySelectorAll('*')) {
        if (culprits.length >= 5) break;
        if (!sticksOut(el) || clipped(el)) continue;
        if (el.parentElement && el.parentElement !== document.body && sticksOut(el.parentElement)) continue;
        const r = el.getBoundingClientRect();
        const name = el.tagName.toLowerCase() + (el.id ? `#${el.id}` : '')
          + (typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '');
        culprits.push(`${name} (${Math.round(r.left)}–${Math.round(r.right)} px): ${(el.textContent || '').trim().slice(0, 60)}`);
      }
    }
    return { iw, sw, culprits };
  });
  const path = new URL(page.url()).pathname + new URL(page.url()).search;
  assert.ok(
    m.sw <= m.iw,
    `${path}${what ? ` (${what})` : ''} is ${m.sw} px wide in a ${m.iw} px window; sticking out:\n  ${m.culprits.join('\n  ')}`,
  );
}

/** Goes to a path, checks its accessibility and that it fits the window; returns the response. */
async function visitFits(page, path) {
  const response = await visit(page, path);
  assert.ok(response.status() < 500, `${path} answered ${response.status()}`);
  await assertNoOverflow(page);
  return response;
}

/** The path of the first record in a register's list (from its table's rows). */
async function firstRecord(page) {
  const link = page.locator('table:has(#list-caption) tbody tr').first().getByRole('link').first();
  const href = await link.getAttribute('href');
  assert.ok(href, `no record in the list at ${page.url()}`);
  return href;
}

/**
 * Every page of the walk, in order: start, organisations (one, and its gaps), each register (its
 * list, first record, that record's form and history, a new record's form), the account, and the
 * rest of the main menu.
 */
async function walk(page) {
  await visitFits(page, '/');
  await visitFits(page, '/organisationer');
  const org = await page.locator('table:has(#orgs-caption) tbody tr').first().getByRole('link').first().getAttribute('href');
  assert.ok(org, 'no organisation in the list');
  await visitFits(page, org);
  await visitFits(page, `${org}/brister`);
  for (const kind of KINDS) {
    await visitFits(page, kind);
    const record = await firstRecord(page);
    await visitFits(page, record);
    await visitFits(page, `${record}/redigera`);
    await visitFits(page, `${record}/historik`);
    await visitFits(page, `${kind}/ny`);
    if (kind === '/incidenter') {
      // A breach's own pages: its documents, its notices to other controllers, the DPO's position.
      await visitFits(page, `${record}/dokument`);
      await visitFits(page, `${record}/underrattelser`);
      await visitFits(page, `${record}/dpo-stallningstagande`);
    }
  }
  // The breach inbox and, when there is one, a notice in it.
  await visitFits(page, '/incidenter/inkorg');
  const notice = page.locator('table:has(#inbox-caption) tbody a').first();
  if (await notice.count()) await visitFits(page, await notice.getAttribute('href'));
  await visitFits(page, '/konto');
  // And whatever else the main menu leads to (the people for an administrator, the gaps).
  const seen = new Set(['/', '/organisationer', ...KINDS, '/konto']);
  const menu = await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link')
    .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  for (const href of menu.filter((h) => h && !seen.has(h))) {
    await visitFits(page, href);
  }
}

describe('reflow: no sideways scrolling at 320 px, 640 px (zoom) and 1280 px', () => {
  let browser;
  // A processing activity whose name is one long word (193 characters, no spaces), made once.
  let longName;
  let longPath;

  before(async () => {
    browser = await launch();
    const keeper = await newPage(browser);
    await signIn(keeper, KEEPER);
    await visit(keeper, '/behandlingar/ny');
    const form = keeper.locator('#record-form');
    const orgId = await form.getByLabel('Organisation', { exact: true }).inputValue();
    const csrf = await form.locator('input[name="csrf"]').inputValue();
    // Starts with Ö so that it sorts last and the walk's "first record" stays a full demo record.
    const word = 'Översiktsplaneringsunderlagsdokumentationshanteringssystemsförvaltningsorganisations'
      + 'uppföljningsrapporteringsrutinsbeskrivningsarbetsgruppsmötesprotokollsarkiveringsgallringsbeslutsunderlag';
    const tag = unique('x').split(' ')[1];
    longName = (word + word).slice(0, 193 - tag.length) + tag;
    assert.equal(longName.length, 193);
    const made = await keeper.context().request.post('/api/v1/processing-activities', {
      headers: { 'X-CSRF-Token': csrf },
      data: { organisation_id: orgId, name: longName },
    });
    assert.equal(made.status(), 201, await made.text());
    longPath = `/behandlingar/${(await made.json()).id}`;
    assertAudited(keeper);
    await keeper.context().close();
  });

  after(async () => {
    await browser?.close();
  });

  for (const [who, email] of [['the DPO', DPO], ['the system administrator', ADMIN]]) {
    for (const size of [NARROW, WIDE]) {
      test(`${who} at ${size.width}×${size.height}: every page fits the width`, async () => {
        const context = await newContext(browser);
        const page = await pageIn(context);
        await page.setViewportSize(size);
        await signIn(page, email);
        await assertNoOverflow(page, 'after signing in');
        await walk(page);
        assertAudited(page);
        await context.close();
      });
    }
  }

  test('the DPO at 640×400 (200 % zoom of a 1280 px window): every page fits the width', async () => {
    const context = await newContext(browser);
    const page = await pageIn(context);
    await page.setViewportSize(ZOOMED);
    await signIn(page, DPO);
    await walk(page);
    assertAudited(page);
    await context.close();
  });

  test('a record name of 193 characters without a space widens neither the list nor the record', async () => {
    const context = await newContext(browser);
    const page = await pageIn(context);
    await signIn(page, DPO);
    for (const size of [WIDE, ZOOMED, NARROW]) {
      await page.setViewportSize(size);
      await visitFits(page, `/behandlingar?q=${encodeURIComponent(longName.slice(0, 40))}`);
      const link = page.locator('table:has(#list-caption) tbody tr').getByRole('link', { name: longName });
      assert.equal(await link.getAttribute('href'), longPath);
      if (size === WIDE) {
        // At full width the list fits without scrolling its box either: the name breaks.
        const box = await page.evaluate(() => {
          const s = document.querySelector('table:has(#list-caption)').closest('.scroll');
          return { sw: s.scrollWidth, cw: s.clientWidth };
        });
        assert.ok(box.sw <= box.cw, `the list is ${box.sw} px wide in a ${box.cw} px box`);
      }
      await visitFits(page, longPath);
      await visitFits(page, `${longPath}/redigera`);
      await visitFits(page, `${longPath}/historik`);
    }
    await visitFits(page, '/');
    assertAudited(page);
    await context.close();
  });
});
