// The editors' desk in a real browser (issue 16): one editor's morning at
// desktop and phone widths — log in, read the overview, add a source from a
// loopback outlet through feed discovery and see its first fetch, pause it,
// change its interval, read every step back in the audit log, take two
// unknown names in the Entities room (desk_entities.mjs), and switch the
// desk to Russian; keyboard use (the skip link first) and no page wider than
// a phone. Screenshots: desk-*.png.
//
// Used by e2e.mjs when DESK_EMAIL, DESK_PASSWORD and OUTLET_URL are set
// (run.sh sets them).

import { mergeCandidate } from './desk_entities.mjs';
import { appearsWhenDue, banSpammer, correctHeadline, holdAndFollowSecondFeed, publishAndSchedule,
  reviewTranslation } from './desk_morning.mjs';

export async function runDeskJourney(browser, t) {
  const { BASE, NAV_TIMEOUT_MS, check, assert, short, goto, screenshot, noHorizontalScroll, VIEWPORTS } = t;
  const email = process.env.DESK_EMAIL;
  const password = process.env.DESK_PASSWORD;
  const outlet = process.env.OUTLET_URL;
  for (const vp of VIEWPORTS) {
    const tag = `desk/${vp.name}`;
    const context = await browser.newContext({
      viewport: vp.viewport, isMobile: vp.isMobile, hasTouch: vp.hasTouch, deviceScaleFactor: vp.deviceScaleFactor,
      locale: 'en-US',
    });
    context.setDefaultTimeout(NAV_TIMEOUT_MS);
    const page = await context.newPage();
    try {
      const login = `${BASE}/en/account/login?next=/desk/`;
      await check(`${tag}: a guest is asked to log in`, `${BASE}/desk/`, async () => {
        const resp = await page.goto(`${BASE}/desk/`, { waitUntil: 'load' });
        assert(resp.status() === 401, `HTTP ${resp.status()}`);
        return short(await page.locator('main').innerText());
      });
      await check(`${tag}: the editor logs in`, login, async () => {
        await goto(page, login);
        await page.fill('input[name=email]', email);
        await page.fill('input[name=password]', password);
        await Promise.all([page.waitForURL(/\/desk\/$/), page.click('.account-form button[type=submit]')]);
        const cards = await page.locator('.desk-cards .card').count();
        assert(cards === 4, `${cards} cards on the overview`);
        await screenshot(page, `desk-overview-${vp.name}.png`);
        return `${cards} cards`;
      });
      await check(`${tag}: the keyboard reaches the skip link first`, page.url(), async () => {
        await page.keyboard.press('Tab');
        const first = await page.evaluate(() => document.activeElement && document.activeElement.className);
        assert(first === 'skip', `first Tab stop: ${first}`);
        await page.keyboard.press('Enter');
        const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
        assert(focused === 'main', `after Enter the focus is on #${focused}`);
        return 'skip link, then the content';
      });
      const sources = `${BASE}/desk/sources`;
      let sourcePage = '';
      if (vp.name === 'desktop') {
        await check(`${tag}: discovery shows the outlet's feed before following`, sources, async () => {
          await goto(page, sources);
          await page.fill('.desk-add input[name=url]', `${outlet}/`);
          await Promise.all([page.waitForURL(/\/desk\/sources\/discover$/), page.click('.desk-add button[type=submit]')]);
          const found = await page.locator('.desk-feed').innerText();
          assert(/Corvette launched/.test(found), `found: ${short(found, 120)}`);
          await screenshot(page, `desk-discover-${vp.name}.png`);
          return short(found, 80);
        });
        await check(`${tag}: following it fetches it once and shows what came`, sources, async () => {
          await page.fill('input[name=name]', 'E2E <Outlet>');
          await Promise.all([page.waitForURL(/\/desk\/sources\/\d+\?done=fetched/), page.click('.desk-form button[type=submit]')]);
          const notice = await page.locator('.notice').innerText();
          assert(/Fetched: 2 new articles, 0 failed/.test(notice), `notice: ${short(notice)}`);
          sourcePage = page.url().replace(/\?.*$/, '');
          await screenshot(page, `desk-source-${vp.name}.png`);
          return short(notice);
        });
        await check(`${tag}: pause, then check every 30 minutes`, sourcePage, async () => {
          await Promise.all([page.waitForURL(/done=paused/), page.click('form[action$="/pause"] button')]);
          assert(/The feed is paused/.test(await page.locator('.notice').innerText()), 'no pause notice');
          await page.fill('input[name=minutes]', '30');
          await Promise.all([page.waitForURL(/done=interval/), page.click('form[action$="/interval"] button')]);
          const value = await page.locator('input[name=minutes]').inputValue();
          assert(value === '30', `interval now ${value}`);
          return 'paused; every 30 min';
        });
        const shot = (name) => screenshot(page, `desk-${name}-${vp.name}.png`);
        let moved = null;
        await check(`${tag}: the source's articles are held; its second feed's arrive in Incoming`, sourcePage,
                    () => holdAndFollowSecondFeed(page, BASE, sourcePage, outlet, shot));
        await check(`${tag}: one is published, the other scheduled a few minutes ahead`, `${BASE}/desk/articles`,
                    async () => {
                      moved = await publishAndSchedule(page, BASE, shot);
                      return `published ${moved.published}, ${moved.scheduled} at ${moved.at}Z`;
                    });
        await check(`${tag}: a headline is corrected with a public, dated note`, `${BASE}/desk/articles`, async () => {
          assert(moved, 'nothing was published');
          return correctHeadline(page, BASE, moved.published, shot);
        });
        await check(`${tag}: a machine translation (apertium eng-spa) is reviewed and saved`,
                    `${BASE}/desk/translations?lang=es`, () => reviewTranslation(page, BASE, shot));
        await check(`${tag}: a hold word catches a spammer, who is banned with their comments hidden`,
                    `${BASE}/desk/comments`, () => banSpammer(browser, page, BASE, {
                      email: process.env.SPAMMER_EMAIL, password: process.env.SPAMMER_PASSWORD,
                    }, shot));
        await check(`${tag}: the scheduled article goes out at its time`, `${BASE}/desk/articles`, async () => {
          assert(moved, 'nothing was scheduled');
          return appearsWhenDue(page, BASE, moved.scheduled, moved.at);
        });
        await check(`${tag}: every step is in the audit log`, `${BASE}/desk/audit`, async () => {
          await goto(page, `${BASE}/desk/audit`);
          const log = await page.locator('table.audit').innerText();
          for (const action of ['source.add', 'feed.fetch', 'feed.pause', 'feed.interval', 'source.hold',
                                'article.publication', 'article.correct', 'translation.edit', 'comment.hold_words',
                                'user.ban']) {
            assert(log.includes(action), `no ${action} in the log`);
          }
          assert(log.includes('E2E <Outlet>'), 'the source name is not shown as text');
          await screenshot(page, `desk-audit-${vp.name}.png`);
          return 'source.add, feed.fetch, feed.pause, feed.interval, source.hold, article.publication, ' +
            'article.correct, translation.edit, comment.hold_words, user.ban';
        });
      }
      await check(`${tag}: an unknown name becomes an entity, another one its form`, `${BASE}/desk/entities`,
                  () => mergeCandidate(page, BASE, (name) => screenshot(page, `desk-${name}-${vp.name}.png`)));
      for (const [name, url] of [['sources', sources], ['audit', `${BASE}/desk/audit`], ['jobs', `${BASE}/desk/jobs`],
                                 ['entities', `${BASE}/desk/entities?days=0&min=1`]]) {
        await check(`${tag}: ${name} fits the screen`, url, async () => {
          await goto(page, url);
          const detail = await noHorizontalScroll(page, vp.viewport.width);
          if (vp.name === 'phone' || name !== 'audit') await screenshot(page, `desk-${name}-${vp.name}.png`);
          return detail;
        });
      }
      await check(`${tag}: the desk speaks Russian when asked`, `${BASE}/desk/`, async () => {
        await goto(page, `${BASE}/desk/`);
        await Promise.all([page.waitForLoadState('load'), page.click('form[action="/desk/language"] button')]);
        await page.waitForFunction(() => document.documentElement.lang === 'ru');
        const nav = await page.locator('.desk-nav').innerText();
        assert(/Источники/.test(nav), `nav: ${short(nav)}`);
        if (vp.name === 'phone') await screenshot(page, `desk-overview-ru-${vp.name}.png`);
        return short(nav);
      });
    } finally {
      await context.close();
    }
  }
}
