// Printing an article (issue 17, part 5), in a real browser: with the print
// media emulated, the page keeps the article (headline, image credit,
// rights line) and drops the navigation, search box, sidebars, comment form
// and footer; black serif text on white, external links followed by their
// address, figures never split across pages.
//
// For e2e.mjs to call once, with its helpers:
//
//   await runPrintCheck(browser, { BASE, NAV_TIMEOUT_MS, check, assert, goto, screenshot });
//
// A reader who is logged in sees the comment form on screen: the check logs
// in as DESK_EMAIL (run.sh's editor) to have one to hide.

const KEPT = ['.article-headline', '.image-credit', '.rights', '.article-body'];
const HIDDEN = ['.editions', '.account-nav', '.site-search', '.sidebar', '.comment-form', '.discussion-block',
  '.site-footer', '.other-editions'];

export async function runPrintCheck(browser, { BASE, NAV_TIMEOUT_MS, check, assert, goto, screenshot }) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-US' });
  context.setDefaultTimeout(NAV_TIMEOUT_MS);
  const page = await context.newPage();
  const visible = (selector) => page.locator(selector).first().isVisible();
  try {
    const login = `${BASE}/en/account/login`;
    await check('print: a reader logs in (to have a comment form)', login, async () => {
      await goto(page, login);
      await page.fill('input[name=email]', process.env.DESK_EMAIL);
      await page.fill('input[name=password]', process.env.DESK_PASSWORD);
      await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/login')),
        page.click('.account-form button[type=submit]')]);
      return page.url();
    });

    // An article with an image and its credit, as the demo's first ones have.
    let articleUrl = null;
    await check('print: an article with an image credit', `${BASE}/en/`, async () => {
      await goto(page, `${BASE}/en/`);
      const links = await page.locator('.article-item a.headline').evaluateAll((els) => els.map((a) => a.href));
      for (const href of links.slice(0, 15)) {
        await goto(page, href);
        if (await page.locator('.lead-image .image-credit').count() > 0) {
          articleUrl = href;
          return href;
        }
      }
      throw new Error(`none of ${links.length} front-page articles has an image credit`);
    });
    if (!articleUrl) return;

    await check('print: on screen the page has its navigation, sidebar and comment form', articleUrl, async () => {
      await page.emulateMedia({ media: 'screen' });
      for (const s of [...KEPT, ...HIDDEN]) {
        if (s === '.discussion-block' || s === '.other-editions') continue;  // may be empty or absent
        assert(await visible(s), `${s} is not visible on screen`);
      }
      return 'all there';
    });

    await check('print: the article is kept and the rest is not printed', articleUrl, async () => {
      await page.emulateMedia({ media: 'print' });
      for (const s of KEPT) assert(await visible(s), `${s} is not printed`);
      for (const s of HIDDEN) assert(!(await visible(s)), `${s} is printed`);
      const credit = await page.locator('.lead-image .image-credit').innerText();
      assert(/\S/.test(credit), 'the image credit is empty');
      await screenshot(page, 'print-en.png');
      return `headline, credit "${credit.slice(0, 40)}", rights line`;
    });

    await check('print: black serif text on white, external links with their address', articleUrl, async () => {
      const style = await page.evaluate(() => {
        const body = getComputedStyle(document.body);
        const headline = getComputedStyle(document.querySelector('.article-headline'));
        const link = document.querySelector('.article a[href^="http"]');
        return {
          font: body.fontFamily, size: body.fontSize, background: body.backgroundColor, color: headline.color,
          after: link ? getComputedStyle(link, '::after').content : '(no external link)', href: link && link.href,
          figure: getComputedStyle(document.querySelector('.lead-image')).breakInside,
        };
      });
      assert(/serif/i.test(style.font) && !/sans-serif/i.test(style.font.split(',').pop()),
        `body font ${style.font}`);
      assert(parseFloat(style.size) >= 15, `body font size ${style.size} (12pt is 16px)`);
      assert(style.background === 'rgb(255, 255, 255)', `background ${style.background}`);
      assert(style.color === 'rgb(0, 0, 0)', `headline colour ${style.color}`);
      assert(style.href && style.after.includes(style.href.replace(/\/$/, '')), `link ::after is ${style.after}`);
      assert(style.figure === 'avoid', `the lead image's break-inside is ${style.figure}`);
      return `${style.font.split(',')[0]} ${style.size}, link printed as ${style.after.slice(0, 50)}`;
    });
  } finally {
    await context.close();
  }
}
