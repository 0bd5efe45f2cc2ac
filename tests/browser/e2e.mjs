#!/usr/bin/env node
// Headless-Chromium end-to-end checks for a running newsdesk server.
//
// Usage: node e2e.mjs BASE_URL OUTDIR
//   BASE_URL  e.g. http://127.0.0.1:8080 (no trailing slash needed)
//   OUTDIR    directory for screenshots (created if missing)
//
// For each edition (en, ru) and viewport (phone, desktop) it checks the front
// page and the first article (among the first 15 front-page links) that has
// an image credit, saving full-page screenshots of both. Prints one line per
// check and a final "N passed, M failed" line; exits non-zero on any failure.
//
// Environment: CHROMIUM (default /usr/bin/chromium).

import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { runDeskJourney } from './desk.mjs';
// issue 17, part 5: printing an article.
import { runPrintCheck } from './print.mjs';

const [baseArg, outDir] = process.argv.slice(2);
// MAIL_DIR: where run.sh's SMTP server (aiosmtpd) keeps the mail it catches
// (N.json per message); without it the readers' journey is not run.
const MAIL_DIR = process.env.MAIL_DIR || '';
if (!baseArg || !outDir) {
  console.error('usage: node e2e.mjs BASE_URL OUTDIR');
  process.exit(2);
}
const BASE = baseArg.replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const NAV_TIMEOUT_MS = 15000;
const MAX_LINKS = 15;
const MIN_ITEMS = 10;

const EDITIONS = ['en', 'ru'];
const VIEWPORTS = [
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 },
  { name: 'desktop', viewport: { width: 1366, height: 900 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 },
];

let passed = 0;
let failed = 0;

function pass(label, detail) {
  passed++;
  console.log(`PASS  ${label}${detail ? ` — ${detail}` : ''}`);
}
function fail(label, detail) {
  failed++;
  console.log(`FAIL  ${label}${detail ? ` — ${detail}` : ''}`);
}

// Runs one check. fn returns a detail string on success, or throws an Error
// whose message explains the failure. Returns true if the check passed.
async function check(label, url, fn) {
  try {
    const detail = await fn();
    pass(label, detail);
    return true;
  } catch (err) {
    const msg = (err && err.message ? err.message : String(err)).split('\n')[0];
    fail(label, `${msg} [${url}]`);
    return false;
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

function short(s, n = 60) {
  s = (s || '').replace(/\s+/g, ' ').trim();
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

async function goto(page, url) {
  const resp = await page.goto(url, { waitUntil: 'load', timeout: NAV_TIMEOUT_MS });
  if (!resp) throw new Error('no response');
  if (resp.status() !== 200) throw new Error(`HTTP ${resp.status()}`);
  return resp;
}

// With isMobile, Chromium zooms a too-wide page out to fit, which makes
// window.innerWidth grow to match scrollWidth; so the limit is also capped at
// the emulated device width.
async function noHorizontalScroll(page, deviceWidth) {
  const m = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  const limit = Math.min(m.innerWidth, deviceWidth);
  assert(m.scrollWidth <= limit + 1,
    `page scrolls horizontally: scrollWidth ${m.scrollWidth} > ${limit} ` +
    `(innerWidth ${m.innerWidth}, device width ${deviceWidth})`);
  return `scrollWidth ${m.scrollWidth} <= ${limit}`;
}

async function screenshot(page, file) {
  const p = path.join(outDir, file);
  try {
    await page.screenshot({ path: p, fullPage: true, timeout: NAV_TIMEOUT_MS });
    console.log(`      screenshot ${p}`);
  } catch (err) {
    fail(`screenshot ${file}`, (err.message || String(err)).split('\n')[0]);
  }
}

async function runCombo(browser, ed, vp) {
  const tag = `${ed}/${vp.name}`;
  const context = await browser.newContext({
    viewport: vp.viewport,
    isMobile: vp.isMobile,
    hasTouch: vp.hasTouch,
    deviceScaleFactor: vp.deviceScaleFactor,
    locale: ed === 'ru' ? 'ru-RU' : 'en-US',
  });
  context.setDefaultTimeout(NAV_TIMEOUT_MS);
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  try {
    // ---- front page -------------------------------------------------------
    const frontUrl = `${BASE}/${ed}/`;
    const loaded = await check(`${tag} front: loads with HTTP 200`, frontUrl, async () => {
      const resp = await goto(page, frontUrl);
      return `${resp.status()} ${resp.headers()['content-type'] || '(no content-type)'}`;
    });
    if (!loaded) {
      fail(`${tag} article: skipped`, `front page did not load [${frontUrl}]`);
      return;
    }

    await check(`${tag} front: at least ${MIN_ITEMS} .article-item`, frontUrl, async () => {
      const n = await page.locator('.article-item').count();
      assert(n >= MIN_ITEMS, `found ${n} .article-item, want >= ${MIN_ITEMS}`);
      return `${n} items`;
    });

    await check(`${tag} front: first .headline visible`, frontUrl, async () => {
      const h = page.locator('.headline').first();
      assert(await h.count() > 0, 'no .headline element');
      assert(await h.isVisible(), 'first .headline is not visible');
      const text = short(await h.innerText());
      assert(text.length > 0, 'first .headline is empty');
      return `"${text}"`;
    });

    if (vp.isMobile) {
      await check(`${tag} front: no horizontal scroll`, frontUrl, () => noHorizontalScroll(page, vp.viewport.width));
    }

    await screenshot(page, `front-${ed}-${vp.name}.png`);

    // ---- pick an article with an image credit -----------------------------
    const hrefs = await page.locator('.article-item a.headline, .article-item .headline[href]')
      .evaluateAll((els) => els.map((a) => a.href));
    const links = [...new Set(hrefs)].slice(0, MAX_LINKS);

    let articleUrl = null;
    const tried = [];
    for (const href of links) {
      try {
        await goto(page, href);
      } catch (err) {
        tried.push(`${href} (${(err.message || String(err)).split('\n')[0]})`);
        continue;
      }
      if (await page.locator('.image-credit').count() > 0) {
        articleUrl = href;
        break;
      }
      tried.push(`${href} (no .image-credit)`);
    }
    const found = await check(`${tag} article: one of the first ${MAX_LINKS} front-page links has .image-credit`,
      frontUrl, async () => {
        assert(links.length > 0, 'no links found via .article-item a.headline');
        assert(articleUrl, `none of ${links.length} links has .image-credit; tried: ${tried.join(', ')}`);
        return `${articleUrl}${tried.length ? ` (after ${tried.length} without)` : ''}`;
      });
    if (!found) return;

    // ---- article page -----------------------------------------------------
    await check(`${tag} article: h1.article-headline visible and non-empty`, articleUrl, async () => {
      const h1 = page.locator('h1.article-headline').first();
      assert(await h1.count() > 0, 'no h1.article-headline element');
      assert(await h1.isVisible(), 'h1.article-headline is not visible');
      const text = (await h1.innerText()).trim();
      assert(text.length > 0, 'h1.article-headline is empty');
      return `"${short(text)}"`;
    });

    await check(`${tag} article: .image-credit visible and contains "©"`, articleUrl, async () => {
      const c = page.locator('.image-credit').first();
      assert(await c.isVisible(), '.image-credit is not visible');
      const text = (await c.innerText()).trim();
      assert(text.includes('©'), `.image-credit text has no "©": "${short(text)}"`);
      return `"${short(text)}"`;
    });

    await check(`${tag} article: .rights visible and non-empty`, articleUrl, async () => {
      const r = page.locator('.rights').first();
      assert(await r.count() > 0, 'no .rights element');
      assert(await r.isVisible(), '.rights is not visible');
      const text = (await r.innerText()).trim();
      assert(text.length > 0, '.rights is empty');
      return `"${short(text)}"`;
    });

    if (vp.isMobile) {
      await check(`${tag} article: no horizontal scroll`, articleUrl, () => noHorizontalScroll(page, vp.viewport.width));
    }

    await screenshot(page, `article-${ed}-${vp.name}.png`);

    // ---- search: the header's box, word forms, highlighted snippets ------
    // "испытаниях" must find "испытания"; "shipyards" must find "shipyard".
    const word = ed === 'ru' ? 'испытаниях' : 'shipyards';
    const searchUrl = `${BASE}/${ed}/search?q=${encodeURIComponent(word)}`;
    await check(`${tag} search: the header's box leads to results`, searchUrl, async () => {
      await goto(page, frontUrl);
      const box = page.locator('.site-search input[name=q]');
      assert(await box.isVisible(), 'no visible search box in the header');
      await box.fill(word);
      await Promise.all([page.waitForNavigation({ timeout: NAV_TIMEOUT_MS }), box.press('Enter')]);
      const hits = await page.locator('.search-hit').count();
      assert(hits > 0, `no .search-hit for "${word}" at ${page.url()}`);
      return `${hits} hits`;
    });
    await check(`${tag} search: matched words are highlighted`, searchUrl, async () => {
      const marks = await page.locator('.search-hit mark').count();
      assert(marks > 0, 'no <mark> in the snippets');
      return `${marks} marks`;
    });
    if (vp.isMobile) {
      await check(`${tag} search: no horizontal scroll`, searchUrl, () => noHorizontalScroll(page, vp.viewport.width));
    }
    await screenshot(page, `search-${ed}-${vp.name}.png`);
  } finally {
    if (pageErrors.length) {
      console.log(`      note: ${tag}: ${pageErrors.length} JavaScript error(s): ${short(pageErrors.join(' | '), 200)}`);
    }
    await context.close();
  }
}

// waitForMailTo waits for the first message to `address` in MAIL_DIR (the
// server also mails the desk's editor their daily desk mail) and returns
// what the SMTP server read from it.
async function waitForMailTo(address, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const files = fs.readdirSync(MAIL_DIR).filter((f) => /^\d+\.json$/.test(f))
      .sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
    for (const f of files) {
      let mail;
      try {
        mail = JSON.parse(fs.readFileSync(path.join(MAIL_DIR, f), 'utf8'));
      } catch {
        continue;  // still being written
      }
      if ((mail.rcpt_tos || []).includes(address)) return mail;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail to ${address} in ${MAIL_DIR} within ${timeoutMs} ms`);
}

// runReaderJourney: register, confirm by the mailed link, log in, comment on
// an article, reply, find the article on top of the Discussion list with two
// comments, log out (issue 6).
async function runReaderJourney(browser) {
  const tag = 'readers';
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-US' });
  context.setDefaultTimeout(NAV_TIMEOUT_MS);
  const page = await context.newPage();
  const email = `reader-${Date.now()}@example.org`;
  const password = 'a long enough passphrase';
  const name = 'E2E <Reader>';
  let articlePath = '';
  try {
    const front = `${BASE}/en/`;
    await check(`${tag}: a guest is asked to register or log in`, front, async () => {
      await goto(page, front);
      articlePath = await page.locator('.article-list .headline').first().getAttribute('href');
      assert(articlePath, 'no article on the front page');
      await goto(page, BASE + articlePath);
      const prompt = await page.locator('.comment-prompt').innerText();
      assert(/Do you want to leave a comment\?/.test(prompt), `prompt: ${short(prompt)}`);
      assert(await page.locator('.comment-prompt a').count() === 2, 'expected Register and Log in links');
      return short(prompt);
    });
    const registerUrl = `${BASE}/en/account/register`;
    await check(`${tag}: register`, registerUrl, async () => {
      await goto(page, registerUrl);
      await page.fill('input[name=email]', email);
      await page.fill('input[name=display_name]', name);
      await page.fill('input[name=password]', password);
      await screenshot(page, 'readers-register.png');
      await Promise.all([page.waitForURL(/\/en\/account\/login/), page.click('.account-form button[type=submit]')]);
      const notice = await page.locator('.form-notice').innerText();
      assert(/Check your mail/.test(notice), `notice: ${short(notice)}`);
      return short(notice);
    });
    let confirmLink = '';
    await check(`${tag}: the confirmation mail arrives`, MAIL_DIR, async () => {
      const mail = await waitForMailTo(email);
      const m = /(https?:\/\/\S+\/en\/account\/confirm\?token=\S+)/.exec(mail.text.content);
      assert(m, `no confirmation link in: ${short(mail.text.content, 200)}`);
      confirmLink = m[1];
      return short(mail.subject);
    });
    await check(`${tag}: the confirmation link confirms`, confirmLink, async () => {
      await goto(page, confirmLink);
      const notice = await page.locator('.form-notice').innerText();
      assert(/confirmed/.test(notice), `notice: ${short(notice)}`);
      return short(notice);
    });
    await check(`${tag}: log in`, `${BASE}/en/account/login`, async () => {
      await page.fill('input[name=email]', email);
      await page.fill('input[name=password]', password);
      await Promise.all([page.waitForURL(`${BASE}/en/`), page.click('.account-form button[type=submit]')]);
      const who = await page.locator('.account-nav .account-name').innerText();
      assert(who === name, `header shows ${who}`);
      const cookies = await context.cookies();
      const session = cookies.find((c) => c.name === 'nd_session');
      assert(session && session.httpOnly && session.sameSite === 'Lax', 'session cookie missing or without its flags');
      return `header shows ${who}; cookie HttpOnly, SameSite=Lax`;
    });
    const comment = `First comment from the browser test ${Date.now()}`;
    await check(`${tag}: comment on an article`, BASE + articlePath, async () => {
      await goto(page, BASE + articlePath);
      await page.fill('.comment-form textarea[name=body]', comment);
      await Promise.all([page.waitForURL(/notice=posted/), page.click('.comment-form button[type=submit]')]);
      const text = await page.locator('.comment').first().innerText();
      assert(text.includes(comment), `comment not shown: ${short(text)}`);
      assert(text.includes(name), 'the display name is not shown as text');
      return short(text);
    });
    const reply = 'A reply to the first comment';
    await check(`${tag}: reply`, BASE + articlePath, async () => {
      await Promise.all([page.waitForURL(/\/reply$/), page.locator('a.comment-reply').first().click()]);
      await page.fill('textarea[name=body]', reply);
      await Promise.all([page.waitForURL(/notice=/), page.click('.account-form button[type=submit]')]);
      const replies = page.locator('.comment.reply');
      assert(await replies.count() === 1, `${await replies.count()} replies shown`);
      const text = await replies.first().innerText();
      assert(text.includes('A reply'), `reply: ${short(text)}`);
      await screenshot(page, 'readers-article-comments.png');
      return short(text);
    });
    const discussion = `${BASE}/en/discussion`;
    await check(`${tag}: the article tops the Discussion list with 2 comments`, discussion, async () => {
      await goto(page, discussion);
      const first = page.locator('.discussion-list li').first();
      const href = await first.locator('a').getAttribute('href');
      assert(href.startsWith(articlePath), `top item links to ${href}, not ${articlePath}`);
      const count = (await first.locator('.comment-count').innerText()).trim();
      assert(count === '2', `count ${count}`);
      const time = (await first.locator('time').innerText()).trim();
      assert(/^\d\d\.\d\d \d\d:\d\d$/.test(time), `time ${time} is not dd.mm HH:MM`);
      await screenshot(page, 'readers-discussion.png');
      return `${time}, ${count} comments`;
    });
    await check(`${tag}: the Discussion block on the front page agrees`, front, async () => {
      await goto(page, front);
      const first = page.locator('.discussion-block li').first();
      assert((await first.locator('.comment-count').innerText()).trim() === '2', 'count is not 2');
      return 'ok';
    });
    await check(`${tag}: log out`, front, async () => {
      await Promise.all([page.waitForURL(`${BASE}/en/`), page.click('.account-nav form.logout button')]);
      const login = await page.locator('.account-nav a').first().innerText();
      assert(login === 'Log in', `header shows ${login}`);
      const cookies = await context.cookies();
      assert(!cookies.find((c) => c.name === 'nd_session'), 'session cookie still set');
      await goto(page, BASE + articlePath);
      assert(await page.locator('.comment-form').count() === 0, 'the comment form is still shown');
      return 'logged out';
    });
  } finally {
    await context.close();
  }
}

// Issue 17: chromium asks for br; the front page comes brotli-coded from the
// page cache, and renders with its content-hashed stylesheet applied.
async function runBrotliCheck(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const url = `${BASE}/en/`;
  try {
    await check('http: a page renders from a brotli response', url, async () => {
      const resp = await goto(page, url);
      const asked = (await resp.request().allHeaders())['accept-encoding'] || '';
      const coding = (await resp.allHeaders())['content-encoding'] || '(none)';
      assert(coding === 'br', `content-encoding ${coding}, chromium sent accept-encoding '${asked}'`);
      const links = await page.locator('a[href*="/en/articles/"]').count();
      assert(links > 0, 'no article links rendered');
      const header = await page.locator('.site-header').evaluate((e) => getComputedStyle(e).backgroundColor);
      assert(header === 'rgb(20, 38, 58)', `the stylesheet did not apply (header background ${header})`);
      return `content-encoding br, ${links} article links, styled`;
    });
  } finally {
    await context.close();
  }
}

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`FAIL  launch chromium — ${CHROMIUM} not found`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
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
  } catch (err) {
    console.log(`FAIL  launch chromium — ${(err.message || String(err)).split('\n')[0]}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  console.log(`chromium ${browser.version()}, base ${BASE}, screenshots in ${outDir}`);
  try {
    for (const ed of EDITIONS) {
      for (const vp of VIEWPORTS) {
        try {
          await runCombo(browser, ed, vp);
        } catch (err) {
          fail(`${ed}/${vp.name}: unexpected error`, (err.message || String(err)).split('\n')[0]);
        }
      }
    }
    try {
      await runBrotliCheck(browser);
    } catch (err) {
      fail('http: unexpected error', (err.message || String(err)).split('\n')[0]);
    }
    if (MAIL_DIR) {
      try {
        await runReaderJourney(browser);
      } catch (err) {
        fail('readers: unexpected error', (err.message || String(err)).split('\n')[0]);
      }
    }
    if (process.env.DESK_EMAIL && process.env.OUTLET_URL) {
      try {
        await runDeskJourney(browser, {
          BASE, NAV_TIMEOUT_MS, check, assert, short, goto, screenshot, noHorizontalScroll, VIEWPORTS,
        });
      } catch (err) {
        fail('desk: unexpected error', (err.message || String(err)).split('\n')[0]);
      }
    }
    // issue 17, part 5: printing an article, with a logged-in reader's comment form to hide.
    if (process.env.DESK_EMAIL) {
      try {
        await runPrintCheck(browser, { BASE, NAV_TIMEOUT_MS, check, assert, goto, screenshot });
      } catch (err) {
        fail('print: unexpected error', (err.message || String(err)).split('\n')[0]);
      }
    }
  } finally {
    await browser.close();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

main().catch((err) => {
  console.log(`FAIL  e2e — ${err && err.stack ? err.stack : err}`);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
