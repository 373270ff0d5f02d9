// Browser end-to-end test of the web chat: a whole social media request, played by three people
// in one page through the person switcher, in English and in Spanish, on a laptop (1280×800)
// and a phone (390×844). Run by run.sh, which starts `hallpass demo` twice: once on a district
// where everyone reads English, once where everyone reads Spanish.
//
// On every screen: a screenshot, no "null", no horizontal scroll (also at 360 px on the phone),
// axe-core with no serious or critical violation, and in Spanish no English string of the page's
// own catalog (GET /api/bootstrap's "strings", from prompts/<lang>/webchat.yaml).
//
// Usage: node e2e.mjs <English demo url> <Spanish demo url> <screenshot folder>
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

import { chromium } from 'playwright-core';

const [enUrl, esUrl, shots] = process.argv.slice(2);
if (!enUrl || !esUrl || !shots) {
  console.error('usage: node e2e.mjs <en url> <es url> <screenshot folder>');
  process.exit(2);
}

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = 15000;
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// What the teacher writes: markup and HTML in user text must show literally, never run.
const TEXT = {
  en: {
    instagram: 'Share photos of **class projects** <img src=x onerror="window.__xss=1">',
    youtube: 'Post recordings of the grade 4 science fair.',
    explanation: 'Instagram only: the science fair videos show students without photo releases.',
  },
  es: {
    instagram: 'Compartir fotos de **proyectos de clase** <img src=x onerror="window.__xss=1">',
    youtube: 'Publicar grabaciones de la feria de ciencias de cuarto grado.',
    explanation: 'Solo Instagram: los videos de la feria muestran a estudiantes sin permiso de fotos.',
  },
};

const axeSummary = [];  // one line per screen, for the closing note

function step(text) {
  console.log(`- ${text}`);
}

function fill(template, vars) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

// The English catalog's words that a Spanish page must not show: the fixed parts of each
// template that Spanish says differently, as whole words.
function englishFragments(strings) {
  const out = new Set();
  for (const [key, english] of Object.entries(strings.en)) {
    if (strings.es[key] === english) continue;
    for (const part of english.split(/\{\w+\}/)) {
      const fragment = part.replace(/^[\s,.:;·—–-]+|[\s,.:;·—–-]+$/g, '');
      if (fragment.length >= 3) out.add(fragment);
    }
  }
  return [...out];
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

class Flow {
  constructor(browser, url, lang, viewport) {
    this.browser = browser;
    this.url = url;
    this.lang = lang;
    this.viewport = viewport;
    this.narrow = viewport.width < 700;
    this.tag = `${lang}-${viewport.width}x${viewport.height}`;
    this.screen = 0;
    this.failures = [];
    this.frames = [];
  }

  s(key, vars = {}) {
    return fill(this.boot.strings[this.lang][key], vars);
  }

  async open() {
    this.boot = await (await fetch(new URL('/api/bootstrap', this.url))).json();
    assert.ok(this.boot.strings.en && this.boot.strings.es, 'the bootstrap serves the page catalog');
    this.fragments = this.lang === 'es' ? englishFragments(this.boot.strings) : [];
    // Proper names may contain catalog words (#superintendent): they are not the page's text.
    this.names = [
      ...this.boot.channels.map((c) => c.id), ...this.boot.channels.map((c) => c.name || ''),
      ...this.boot.people.map((p) => p.title ? `${p.name} — ${p.title}` : p.name), this.boot.district,
    ].filter(Boolean).sort((a, b) => b.length - a.length);
    // The browser's clock is in another zone than the district: times must follow the district.
    // Reduced motion: no slide or highlight caught half-way in a screenshot or by axe's contrast check.
    this.context = await this.browser.newContext({ viewport: this.viewport, timezoneId: 'Asia/Tokyo', reducedMotion: 'reduce' });
    const page = await this.context.newPage();
    this.page = page;
    page.setDefaultTimeout(TIMEOUT);
    page.on('pageerror', (error) => this.failures.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') this.failures.push(`console error: ${message.text()}`);
    });
    page.on('websocket', (socket) => {
      socket.on('framereceived', (frame) => {
        this.frames.push(String(frame.payload).slice(0, 2000));
        if (this.frames.length > 12) this.frames.shift();
      });
    });
    // Offline by design: the page must not ask for anything outside the bot.
    const { origin, host } = new URL(this.url);
    page.on('request', (request) => {
      const u = request.url();
      if (!u.startsWith(origin) && !u.startsWith(`ws://${host}`) && !u.startsWith('data:')) {
        this.failures.push(`request outside the bot: ${u}`);
      }
    });
    await page.goto(this.url);
    await page.locator('#connection-status[data-state="open"]').waitFor();
  }

  // Screenshot, then the checks every screen must pass.
  async check(name) {
    const page = this.page;
    this.screen += 1;
    const file = path.join(shots, `${this.tag}-${String(this.screen).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file });

    const seen = await page.evaluate(() => {
      const attributes = [];
      for (const node of document.querySelectorAll('[aria-label], [placeholder], [title]')) {
        if (node.closest('[hidden]')) continue;
        for (const a of ['aria-label', 'placeholder', 'title']) {
          if (node.hasAttribute(a)) attributes.push(node.getAttribute(a));
        }
      }
      return { text: document.body.innerText, attributes, title: document.title, lang: document.documentElement.lang };
    });
    const all = [seen.text, ...seen.attributes, seen.title].join('\n');
    assert.doesNotMatch(all, /\bnull\b|\bundefined\b/, `${this.tag} ${name}: the page shows "null" or "undefined"`);
    assert.equal(seen.lang, this.lang, `${this.tag} ${name}: <html lang>`);
    if (this.lang === 'es') {
      let text = all;
      for (const n of this.names) text = text.split(n).join(' ');
      const english = this.fragments.filter((f) => new RegExp(`(^|[^\\p{L}])${escapeRegExp(f)}([^\\p{L}]|$)`, 'u').test(text));
      assert.deepEqual(english, [], `${this.tag} ${name}: English words of the page's catalog in Spanish`);
    }

    const widths = [this.viewport.width, ...(this.narrow ? [360] : [])];
    for (const width of widths) {
      if (width !== this.viewport.width) await page.setViewportSize({ width, height: this.viewport.height });
      const scroll = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth, body: document.body.scrollWidth, inner: window.innerWidth,
        switcher: document.querySelector('#person-select').getBoundingClientRect().toJSON(),
      }));
      assert.ok(scroll.page <= scroll.inner && scroll.body <= scroll.inner,
        `${this.tag} ${name}: horizontal scroll at ${width} px (${scroll.page} > ${scroll.inner})`);
      assert.ok(scroll.switcher.left >= 0 && scroll.switcher.right <= scroll.inner + 0.5,
        `${this.tag} ${name}: the person switcher is cut off at ${width} px`);
    }
    if (widths.length > 1) await page.setViewportSize(this.viewport);

    const axe = await page.evaluate(async (source) => {
      if (!window.axe) (0, eval)(source);  // eslint-disable-line no-eval
      const result = await window.axe.run(document, { resultTypes: ['violations'] });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length,
        targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
    }, AXE_SOURCE);
    const counts = { critical: 0, serious: 0, moderate: 0, minor: 0 };
    for (const v of axe) counts[v.impact] = (counts[v.impact] || 0) + 1;
    axeSummary.push(`${path.basename(file)}: critical ${counts.critical}, serious ${counts.serious}, ` +
      `moderate ${counts.moderate}, minor ${counts.minor}` +
      (axe.length ? ` (${axe.map((v) => `${v.id}/${v.impact}`).join(', ')})` : ''));
    const bad = axe.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad, [], `${this.tag} ${name}: serious or critical accessibility violations`);
  }

  async openSidebarIfNarrow() {
    if (!this.narrow) return;
    const toggle = this.page.locator('#sidebar-toggle');
    if (await toggle.getAttribute('aria-expanded') !== 'true') await toggle.click();
    await this.page.locator('#sidebar .sidebar-item').first().waitFor({ state: 'visible' });
  }

  async conversations() {
    return this.page.locator('#sidebar .sidebar-item').evaluateAll((nodes) => nodes.map((n) => n.dataset.conversation));
  }

  async openConversation(name) {
    await this.openSidebarIfNarrow();
    await this.page.locator(`.sidebar-item[data-conversation="${name}"]`).click();
    await this.page.locator('#conversation-title', { hasText: name === 'dm' ? 'Hallpass' : name }).waitFor();
    if (this.narrow) await this.page.locator('#sidebar .sidebar-item').first().waitFor({ state: 'hidden' });
  }

  // Switches to a person and waits for their hello: the banner says who they are now, and the
  // sidebar lists only their places.
  async playAs(personId, conversations) {
    const page = this.page;
    await page.locator('#person-select').selectOption(personId);
    await page.locator('#connection-status[data-state="open"]').waitFor();
    const person = this.boot.people.find((p) => p.id === personId);
    const banner = this.s('switched', { name: person.name, role: this.s(`role.${person.roles[0]}`) });
    await page.locator('#switch-banner', { hasText: banner }).waitFor();
    await page.waitForFunction((want) => {
      const have = Array.from(document.querySelectorAll('#sidebar .sidebar-item'), (n) => n.dataset.conversation);
      return JSON.stringify(have) === JSON.stringify(want);
    }, conversations);
  }

  async run() {
    const page = this.page;
    const text = TEXT[this.lang];
    const dialog = page.locator('#form-dialog[open]');

    // ------------------------------------------------------------------ the first screen
    step(`${this.tag}: the first screen explains the walkthrough`);
    const tour = page.locator('#tour');
    await tour.waitFor();
    await tour.getByText(this.s('tour.title')).waitFor();
    assert.equal(await tour.locator('li').count(), 4);
    assert.deepEqual(await this.conversations(), ['dm'], 'the teacher sees only the Hallpass DM');
    // Times are the district's (the browser is in Tokyo).
    await this.check('first-screen');
    await page.locator('#tour-dismiss').click();
    await tour.waitFor({ state: 'hidden' });

    // A message over the limit is refused before sending, in characters, and the text stays.
    const composer = page.locator('#composer-input');
    const limit = this.boot.max_message_chars;
    await composer.fill('a'.repeat(limit + 1));
    await composer.press('Enter');
    await page.locator('#composer-error', { hasText: this.s('too_long', { count: limit + 1, limit }) }).waitFor();
    assert.equal((await composer.inputValue()).length, limit + 1, 'the typed text is kept');
    await this.check('too-long');
    await composer.fill('');

    // A message Hallpass refuses is explained in the person's language and comes back to the box.
    await composer.fill('/giphy cats');
    await composer.press('Enter');
    const refusal = this.s('refused_kept', { message: this.s('error.unknown_command', { detail: '/giphy' }) });
    await page.locator('#toast', { hasText: refusal }).waitFor();
    assert.equal(await composer.inputValue(), '/giphy cats', 'the refused text is back in the box');
    await this.check('refused');
    await page.locator('#toast').click();
    await page.locator('#toast').waitFor({ state: 'hidden' });
    await composer.fill('');

    // ------------------------------------------------------------------ the teacher files it
    step(`${this.tag}: Teresa Garcia (teacher) files a request from the Hallpass DM`);
    await composer.fill('/socialmedia request');
    await composer.press('Enter');
    await dialog.waitFor();
    await dialog.locator('input[name="platforms"][value="instagram"]').check();
    await dialog.locator('input[name="platforms"][value="youtube"]').check();
    await dialog.locator('input[name="audience"][value="parents"]').check();
    await dialog.locator('input[name="students_interact"][value="no"]').check();
    if (this.lang === 'en') {
      // What a screen reader hears: the dialog and its choices by name.
      const named = page.getByRole('dialog', { name: 'Social media request' });
      assert.ok(await named.getByRole('checkbox', { name: 'Instagram' }).isChecked());
      assert.ok(await named.getByRole('checkbox', { name: 'Parents and guardians' }).isChecked());
      assert.ok(await named.getByRole('radio', { name: 'No' }).isChecked());
      await named.getByRole('button', { name: 'Next' }).waitFor();
    }
    await this.check('form-platforms');
    await dialog.locator('#form-dialog-submit').click();

    // The second step has a Back button that returns to the first with the choices kept.
    const instagram = dialog.locator('textarea[name="objectives.instagram"]');
    await instagram.waitFor();
    await dialog.locator('#form-dialog-back', { hasText: this.s('back') }).click();
    await dialog.locator('input[name="platforms"][value="youtube"]:checked').waitFor();
    assert.ok(await dialog.locator('input[name="audience"][value="parents"]').isChecked());
    await dialog.locator('#form-dialog-submit').click();
    await instagram.waitFor();
    // Objectives have their own limit, 1,000 characters: the counter says so as it is passed, and
    // Submit is refused in place with the text kept.
    const tooLong = this.s('too_long', { count: 1001, limit: 1000 });
    await instagram.fill('a'.repeat(1001));
    await dialog.locator('.field-count', { hasText: tooLong }).waitFor();
    await dialog.locator('textarea[name="objectives.youtube"]').fill(text.youtube);
    await dialog.locator('#form-dialog-submit').click();
    await dialog.locator('.field-error', { hasText: tooLong }).waitFor();
    assert.equal((await instagram.inputValue()).length, 1001, 'the typed text is kept');
    await instagram.fill(text.instagram);
    await dialog.locator('textarea[name="objectives.youtube"]').fill(text.youtube);
    await this.check('form-objectives');
    await dialog.locator('#form-dialog-submit').click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'composer-input',
      'after Submit the focus stays at the conversation, not the top of the page');

    const summary = page.locator('#messages article').filter({ has: page.locator('[data-action-id="confirm"]') }).last();
    await summary.waitFor();
    const summaryRef = await summary.getAttribute('data-ref');
    // User text is shown as typed: no bold, no image, no script.
    await summary.getByText(text.instagram, { exact: false }).waitFor();
    assert.equal(await summary.locator('img').count(), 0, 'the objectives must not become an <img>');
    // The forms already sent are closed: no opener is left to press.
    assert.equal(await page.locator('#messages [data-form-id]').count(), 0, 'no stale form opener');
    assert.ok(await page.locator('#messages .block-form.closed').count() >= 2);
    await this.check('review');
    await summary.locator('[data-action-id="confirm"]').click();

    // The review card keeps what was submitted, with the request's id.
    const submitted = page.locator(`#messages article[data-ref="${summaryRef}"]`);
    await submitted.locator('.block-context', { hasText: /R-\d+/ }).waitFor();
    await submitted.locator('[data-action-id="confirm"]').waitFor({ state: 'detached' });
    assert.match(await submitted.locator('dl').textContent(), /Instagram/);
    const requestId = (await submitted.locator('.block-context').textContent()).match(/R-\d+/)[0];
    step(`${this.tag}: filed as ${requestId}`);
    await page.locator('#messages article', { hasText: requestId }).last().waitFor();
    await this.check('filed');

    // ------------------------------------------------------------------ the principal endorses
    step(`${this.tag}: Rosa Alvarez (principal) endorses it in #lincoln-approvals`);
    await this.playAs('r.alvarez', ['dm', '#lincoln-approvals']);
    if (this.narrow) {
      await this.openSidebarIfNarrow();
      await this.check('principal-sidebar');
    }
    await this.openConversation('#lincoln-approvals');
    const siteCard = page.locator('#messages article', { hasText: requestId }).first();
    await siteCard.waitFor();
    await this.check('principal-card');
    await siteCard.locator('.thread-link button').click();
    const threadCard = page.locator('#thread-panel article.thread-root');
    await threadCard.locator('[data-action-id="return"]').waitFor();
    if (this.lang === 'en') await threadCard.getByRole('button', { name: 'Endorse' }).waitFor();
    await threadCard.locator('[data-action-id="endorse"]').click();
    await threadCard.locator('[data-action-id="endorse"]').waitFor({ state: 'detached' });
    await this.check('principal-endorsed');

    // ------------------------------------------------------------------ the superintendent decides
    step(`${this.tag}: Dr. Maya Okafor (superintendent) authorizes a modified version`);
    await this.playAs('m.okafor', ['dm', '#superintendent']);
    await this.openConversation('#superintendent');
    const deciderCard = page.locator('#messages article', { hasText: requestId }).first();
    for (const action of ['authorize', 'modify', 'more_info', 'reject']) {
      await deciderCard.locator(`[data-action-id="${action}"]`).waitFor();
    }
    await this.check('superintendent-card');
    await deciderCard.locator('[data-action-id="modify"]').click();
    await dialog.locator('textarea[name="explanation"]').waitFor();
    await dialog.locator('input[name="keep"][value="youtube"]').uncheck();
    assert.ok(await dialog.locator('input[name="keep"][value="instagram"]').isChecked());
    await dialog.locator('textarea[name="explanation"]').fill(text.explanation);
    if (this.lang === 'en') {
      const named = page.getByRole('dialog', { name: `Authorize modified ${requestId}` });
      await named.getByRole('textbox', { name: /Written explanation/ }).waitFor();
    }
    await this.check('superintendent-form');
    await dialog.locator('#form-dialog-submit').click();
    await dialog.waitFor({ state: 'hidden' });
    // The card offers no more decisions, and no form opener is left behind.
    await deciderCard.locator('[data-action-id="authorize"]').waitFor({ state: 'detached' });
    assert.equal(await page.locator('#messages [data-form-id]').count(), 0, 'no stale form opener');
    await this.check('superintendent-decided');

    // ------------------------------------------------------------------ the teacher sees it
    step(`${this.tag}: Teresa Garcia sees the decision and its explanation`);
    await this.playAs('t.garcia', ['dm']);
    await this.openConversation('dm');
    await page.locator('#messages article', { hasText: requestId }).first().waitFor();
    // The letter is at the top of the DM, not inside a thread shown only as "2 replies".
    const letter = page.locator('#messages article', { hasText: text.explanation }).last();
    await letter.waitFor();
    assert.match(await letter.locator('dl').first().textContent(), /Instagram/);
    if (this.lang === 'en') {
      await letter.getByText(`Decision on your request ${requestId}`).waitFor();
      await letter.getByText('authorized a modified, more limited version').waitFor();
    }
    await this.check('teacher-decision');

    // Times follow the district's zone, not the browser's.
    const times = await page.evaluate((zone) => Array.from(document.querySelectorAll('time.message-time'), (n) => ({
      shown: n.textContent,
      district: new Intl.DateTimeFormat(document.documentElement.lang,
        { hour: '2-digit', minute: '2-digit', timeZone: zone }).format(new Date(n.dateTime)),
    })), this.boot.time_zone);
    assert.ok(times.length > 0);
    for (const time of times) assert.equal(time.shown, time.district);

    assert.equal(await page.evaluate(() => window.__xss), undefined, 'user text ran as HTML');

    // The IT lead sees every place an administrator needs.
    if (!this.narrow) {
      await this.playAs('h.nguyen', ['dm', ...this.boot.channels.map((c) => c.id)]);
      assert.ok(this.boot.channels.length >= 4);
    }
  }

  async close(failed) {
    if (failed) {
      await this.page.screenshot({ path: path.join(shots, `${this.tag}-failure.png`) }).catch(() => {});
      if (this.failures.length) console.error(this.failures.join('\n'));
      console.error(`last frames the page received:\n${this.frames.join('\n')}`);
    }
    await this.context.close();
  }
}

async function main() {
  fs.mkdirSync(shots, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    for (const [lang, url] of [['en', enUrl], ['es', esUrl]]) {
      for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
        const started = Date.now();
        const flow = new Flow(browser, url, lang, viewport);
        let failed = true;
        try {
          await flow.open();
          await flow.run();
          assert.deepEqual(flow.failures, []);
          failed = false;
        } finally {
          await flow.close(failed);
        }
        step(`${flow.tag}: passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
    }
    console.log('axe-core per screen:');
    for (const line of axeSummary) console.log(`  ${line}`);
    console.log('web chat end-to-end: passed');
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  if (axeSummary.length) console.error(`axe-core so far:\n  ${axeSummary.join('\n  ')}`);
  console.error(error);
  process.exit(1);
});
