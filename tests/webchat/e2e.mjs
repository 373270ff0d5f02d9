// Browser end-to-end test of the web chat: a whole social media request, played by three people
// in one page through the person switcher. Run by run.sh, which starts `hallpass demo`.
//
// Usage: node e2e.mjs <web chat url> <screenshot path>
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { chromium } from 'playwright-core';

const [url, screenshot] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error('usage: node e2e.mjs <url> <screenshot.png>');
  process.exit(2);
}

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = 15000;

// What the teacher writes: markup and HTML in user text must show literally, never run.
const OBJECTIVES_INSTAGRAM = 'Share photos of **class projects** <img src=x onerror="window.__xss=1">';
const OBJECTIVES_YOUTUBE = 'Post recordings of the grade 4 science fair.';
const EXPLANATION = 'Instagram only: the science fair videos show students without photo releases.';

function step(text) {
  console.log(`- ${text}`);
}

async function playAs(page, personId) {
  await page.locator('#person-select').selectOption(personId);
  // The hello frame of the new socket has arrived when the status says so and the DM is shown.
  await page.locator('#connection-status[data-state="open"]').waitFor();
  await page.waitForFunction(
    (id) => document.querySelector('#person-select').value === id, personId);
}

async function openConversation(page, name) {
  await page.locator(`.sidebar-item[data-conversation="${name}"]`).click();
  const title = name === 'dm' ? 'Hallpass' : name;
  await page.locator('#conversation-title', { hasText: title }).waitFor();
}

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'hallpass-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const failures = [];
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (error) => failures.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') failures.push(`console error: ${message.text()}`);
  });
  // The last frames the page received, printed when the test fails.
  const frames = [];
  page.on('websocket', (socket) => {
    socket.on('framereceived', (frame) => {
      frames.push(String(frame.payload));
      if (frames.length > 12) frames.shift();
    });
  });
  // Offline by design: the page must not ask for anything outside the bot.
  const origin = new URL(url).origin;
  page.on('request', (request) => {
    const u = request.url();
    if (!u.startsWith(origin) && !u.startsWith('ws://' + new URL(url).host) && !u.startsWith('data:')) {
      failures.push(`request outside the bot: ${u}`);
    }
  });

  try {
    await page.goto(url);
    await page.locator('#connection-status[data-state="open"]').waitFor();

    // ------------------------------------------------------------------ the teacher files it
    step('Teresa Garcia (teacher) files a request from the Hallpass DM');
    await playAs(page, 't.garcia');
    await openConversation(page, 'dm');
    const composer = page.getByRole('textbox', { name: 'Message Hallpass' });
    await composer.fill('/socialmedia request');
    await composer.press('Enter');

    let dialog = page.getByRole('dialog', { name: 'Social media request' });
    await dialog.waitFor();
    await dialog.getByRole('checkbox', { name: 'Instagram' }).check();
    await dialog.getByRole('checkbox', { name: 'YouTube' }).check();
    await dialog.getByRole('checkbox', { name: 'Parents and guardians' }).check();
    await dialog.getByRole('radio', { name: 'No' }).check();
    await dialog.getByRole('button', { name: 'Next' }).click();

    // The next form asks the objectives of each platform chosen.
    await dialog.getByRole('textbox', { name: /objectives for Instagram/ }).waitFor();
    await dialog.getByRole('textbox', { name: /objectives for Instagram/ }).fill(OBJECTIVES_INSTAGRAM);
    await dialog.getByRole('textbox', { name: /objectives for YouTube/ }).fill(OBJECTIVES_YOUTUBE);
    await dialog.getByRole('button', { name: 'Review' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const summary = page.locator('#messages article', { hasText: 'Check your request' }).last();
    await summary.waitFor();
    // User text is shown as typed: no bold, no image, no script.
    await summary.getByText(OBJECTIVES_INSTAGRAM, { exact: false }).waitFor();
    assert.equal(await summary.locator('img').count(), 0, 'the objectives must not become an <img>');
    await summary.getByRole('button', { name: 'Submit' }).click();

    const filed = page.locator('#messages article', { hasText: /Request \S+ is filed/ }).last();
    await filed.waitFor();
    const requestId = (await filed.locator('h3').first().textContent()).match(/Request (\S+) is filed/)[1];
    step(`filed as ${requestId}`);

    // ------------------------------------------------------------------ the principal endorses
    step('Rosa Alvarez (principal) endorses it in the request\'s thread in #lincoln-approvals');
    await playAs(page, 'r.alvarez');
    await openConversation(page, '#lincoln-approvals');
    const siteCard = page.locator('#messages article', { hasText: `Social media request ${requestId}` }).first();
    await siteCard.waitFor();
    await siteCard.locator('.thread-link button').click();
    const thread = page.locator('#thread-panel');
    await thread.waitFor();
    const threadCard = thread.locator('article.thread-root');
    await threadCard.getByRole('button', { name: 'Return' }).waitFor();
    await threadCard.getByRole('button', { name: 'Endorse' }).click();
    await thread.locator('article.thread-root', { hasText: 'Endorsed by Rosa Alvarez' }).waitFor();
    assert.equal(await thread.locator('article.thread-root').getByRole('button', { name: 'Endorse' }).count(), 0,
      'the endorsed card loses its buttons');

    // ------------------------------------------------------------------ the superintendent decides
    step('Dr. Maya Okafor (superintendent) authorizes a modified version in #superintendent');
    await playAs(page, 'm.okafor');
    await openConversation(page, '#superintendent');
    const deciderCard = page.locator('#messages article', { hasText: `Social media request ${requestId}` }).first();
    await deciderCard.waitFor();
    for (const name of ['Authorize', 'Authorize modified', 'Request info', 'Reject']) {
      await deciderCard.getByRole('button', { name, exact: true }).waitFor();
    }
    await deciderCard.getByRole('button', { name: 'Authorize modified', exact: true }).click();

    dialog = page.getByRole('dialog', { name: `Authorize modified ${requestId}` });
    await dialog.waitFor();
    await dialog.getByRole('checkbox', { name: 'YouTube' }).uncheck();
    assert.ok(await dialog.getByRole('checkbox', { name: 'Instagram' }).isChecked());
    await dialog.getByRole('textbox', { name: /Written explanation/ }).fill(EXPLANATION);
    await dialog.getByRole('button', { name: 'Authorize modified' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // The decision is told in the request's thread, and the card offers no more decisions.
    await deciderCard.locator('.thread-link button').click();
    await page.locator('#thread-messages article:not(.thread-root)',
      { hasText: 'authorized a modified, more limited version' }).first().waitFor();
    await deciderCard.getByRole('button', { name: 'Authorize', exact: true }).waitFor({ state: 'detached' });

    // ------------------------------------------------------------------ the teacher sees the decision
    step('Teresa Garcia sees the decision and its explanation');
    await playAs(page, 't.garcia');
    await openConversation(page, 'dm');
    // The letter is in the DM, either on its own or in the thread of the filed request.
    const letterText = `Decision on your request ${requestId}`;
    if (await page.locator('#messages article', { hasText: letterText }).count() === 0) {
      await page.locator('#messages article', { hasText: `Request ${requestId} is filed` }).last()
        .locator('.thread-link button').click();
    }
    const letter = page.locator('#messages article, #thread-messages article', { hasText: letterText }).last();
    await letter.waitFor();
    await letter.getByText('authorized a modified, more limited version').waitFor();
    await letter.getByText(EXPLANATION).waitFor();
    const allowed = await letter.locator('dl').first().textContent();
    assert.match(allowed, /Instagram/);

    assert.equal(await page.evaluate(() => window.__xss), undefined, 'user text ran as HTML');
    assert.deepEqual(failures, []);
    await page.screenshot({ path: screenshot, fullPage: false });
    step(`screenshot: ${screenshot}`);
    console.log('web chat end-to-end: passed');
  } catch (error) {
    await page.screenshot({ path: screenshot.replace(/\.png$/, '-failure.png') }).catch(() => {});
    if (failures.length) console.error(failures.join('\n'));
    console.error(`last frames the page received:\n${frames.join('\n')}`);
    throw error;
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
