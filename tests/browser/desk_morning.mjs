// An editor's morning in the desk's Articles and Translations rooms, in a
// real browser (issue 16). For desk.mjs to call inside its checks, with
// `page` logged in as an editor and the source page of the outlet it has
// just followed:
//
//   holdAndFollowSecondFeed  hold the source's articles for review, follow
//                            its second feed; its two articles arrive held
//   publishAndSchedule       publish one from Incoming, schedule the other
//                            a few minutes ahead; returns the scheduled id
//   correctHeadline          correct the published one's headline with a
//                            public note and read the note on the site
//   appearsWhenDue           wait for the scheduled one on the public site
//   reviewTranslation        edit and save a machine translation (es)
//
// Each returns a short line for the report and throws when a step fails.

function ensure(ok, what) {
  if (!ok) throw new Error(what);
}

async function submit(page, urlPattern, button) {
  await Promise.all([page.waitForURL(urlPattern), button.click()]);
}

export async function holdAndFollowSecondFeed(page, base, sourcePage, outlet, shot) {
  await page.goto(sourcePage, { waitUntil: 'load' });
  await submit(page, /done=hold/, page.locator('form[action$="/hold"] button'));
  const facts = await page.locator('.desk-facts').first().innerText();
  ensure(/wait in Incoming/.test(facts), `the source page says: ${facts.slice(0, 200)}`);
  await page.goto(`${base}/desk/sources`, { waitUntil: 'load' });
  await page.fill('.desk-add input[name=url]', `${outlet}/world.xml`);
  await submit(page, /\/desk\/sources\/discover$/, page.locator('.desk-add button[type=submit]'));
  await submit(page, /\/desk\/sources\/\d+\?done=fetched/, page.locator('.desk-form button[type=submit]'));
  const notice = await page.locator('.notice').innerText();
  ensure(/Fetched: 2 new articles/.test(notice), `notice: ${notice}`);
  await page.goto(`${base}/desk/articles?state=held`, { waitUntil: 'load' });
  const rows = await page.locator('table.desk-table tbody tr').count();
  ensure(rows === 2, `${rows} articles in Incoming`);
  await shot('incoming');
  return `${rows} articles held in Incoming`;
}

export async function publishAndSchedule(page, base, shot) {
  await page.goto(`${base}/desk/articles?state=held`, { waitUntil: 'load' });
  const first = page.locator('table.desk-table tbody tr').first();
  const published = (await first.locator('th a').getAttribute('href')).replace(/^.*\//, '');
  await submit(page, /done=state/, first.locator('form input[value=published] ~ button'));
  const left = page.locator('table.desk-table tbody tr');
  ensure(await left.count() === 1, `${await left.count()} left in Incoming after publishing one`);
  const href = await left.first().locator('th a').getAttribute('href');
  const scheduled = href.replace(/^.*\//, '');
  await page.goto(`${base}${href}`, { waitUntil: 'load' });
  // Three minutes ahead, to the minute, in UTC as the desk states it: two
  // to three minutes from now.
  const at = new Date(Date.now() + 3 * 60 * 1000).toISOString().slice(0, 16);
  await page.fill('input[name=at]', at);
  await submit(page, /done=state/, page.locator('form:has(input[name=at]) button'));
  const state = await page.locator('.desk-facts').first().innerText();
  ensure(/Scheduled/.test(state), `the article's state: ${state.slice(0, 120)}`);
  await shot('scheduled');
  const reader = await page.context().request.get(`${base}/en/articles/${scheduled}`, { maxRedirects: 0 });
  ensure(reader.status() === 404, `before its time a reader gets HTTP ${reader.status()}`);
  return { published, scheduled, at };
}

export async function correctHeadline(page, base, id, shot) {
  await page.goto(`${base}/desk/articles/${id}`, { waitUntil: 'load' });
  const headline = page.locator('input[name=headline]');
  const corrected = `${await headline.inputValue()} (corrected)`;
  await headline.fill(corrected);
  await page.fill('textarea[name=correction]', 'An earlier version named the wrong yard.');
  await submit(page, /done=saved/, page.locator('form.desk-editor button[type=submit]'));
  ensure((await page.locator('.desk-revisions li').count()) === 2, 'no revisions listed (as it arrived, the correction)');
  await shot('article-edit');
  await Promise.all([page.waitForLoadState('load'), page.locator('a', { hasText: 'on the site' }).click()]);
  const title = await page.locator('h1.article-headline').innerText();
  ensure(title === corrected, `the public headline is "${title}"`);
  const note = await page.locator('.corrections').innerText();
  ensure(/Correction/.test(note) && /wrong yard/.test(note), `the correction line: ${note}`);
  await shot('correction');
  return note.replace(/\s+/g, ' ').slice(0, 80);
}

export async function appearsWhenDue(page, base, id, at) {
  const due = Date.parse(`${at}:00Z`);
  const deadline = due + 90 * 1000;
  while (Date.now() < deadline) {
    const resp = await page.context().request.get(`${base}/en/articles/${id}`);
    if (resp.status() === 200) {
      ensure(Date.now() >= due - 1000, `published before its time (${at}Z)`);
      return `on the site at ${new Date().toISOString().slice(11, 19)}Z, due ${at.slice(11)}Z`;
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
  throw new Error(`not on the site 90 s after ${at}Z`);
}

export async function reviewTranslation(page, base, shot) {
  const list = `${base}/desk/translations?lang=es`;
  // Generous: under a loaded CI machine apertium-apy may take its time.
  const deadline = Date.now() + 180 * 1000;
  let open = 0;
  while (Date.now() < deadline) {
    await page.goto(list, { waitUntil: 'load' });
    open = await page.locator('table.desk-table tbody tr a').count();
    if (open > 0) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  ensure(open > 0, 'no machine translation to review within 180 s (apertium eng-spa)');
  await shot('translations');
  await Promise.all([page.waitForLoadState('load'), page.locator('table.desk-table tbody tr a').first().click()]);
  const headline = page.locator('form.desk-translation input[name=headline]');
  const revised = `${await headline.inputValue()} (revisado)`;
  await headline.fill(revised);
  await shot('translation');
  await submit(page, /done=translation/, page.locator('form.desk-translation button[type=submit]'));
  return `saved "${revised.slice(0, 50)}"`;
}

// A hold word catches a spammer's comment; the editor bans them from it and
// hides their earlier comments, which leave the article's page.
export async function banSpammer(browser, page, base, spammer, shot) {
  await page.goto(`${base}/desk/comments`, { waitUntil: 'load' });
  const words = page.locator('textarea[name=words]');
  await words.fill(`${await words.inputValue()}\ncasino`.trim());
  await submit(page, /done=hold_words/, page.locator('form[action="/desk/comments/hold-words"] button'));

  const context = await browser.newContext({ locale: 'en-US' });
  let article = '';
  try {
    const sp = await context.newPage();
    await sp.goto(`${base}/en/account/login`, { waitUntil: 'load' });
    await sp.fill('input[name=email]', spammer.email);
    await sp.fill('input[name=password]', spammer.password);
    await Promise.all([sp.waitForLoadState('load'), sp.click('.account-form button[type=submit]')]);
    await sp.goto(`${base}/en/`, { waitUntil: 'load' });
    article = new URL(await sp.locator('a[href*="/en/articles/"]').first().getAttribute('href'), base).href;
    for (const text of ['Thanks for the report, see my profile.', 'Cheap casino chips, ask me how.']) {
      await sp.goto(article, { waitUntil: 'load' });
      await sp.fill('.comment-form textarea[name=body]', text);
      await Promise.all([sp.waitForLoadState('load'), sp.click('.comment-form button[type=submit]')]);
    }
  } finally {
    await context.close();
  }
  const guest = await browser.newContext();
  try {
    const before = await (await guest.request.get(article)).text();
    ensure(before.includes('Thanks for the report'), 'the spammer\'s first comment is not on the article');
    ensure(!before.includes('casino chips'), 'the held comment is on the article');

    await page.goto(`${base}/desk/comments?tab=pending`, { waitUntil: 'load' });
    const row = page.locator('table.desk-comments tbody tr').filter({ hasText: 'casino chips' }).first();
    ensure(await row.count() === 1, 'the held comment is not pending');
    await row.locator('input[name=hide]').check();
    await shot('comments');
    await submit(page, /done=banned/, row.locator('form[action$="/ban"] button'));
    const notice = await page.locator('.notice').innerText();
    ensure(/banned/i.test(notice), `notice: ${notice}`);
    const after = await (await guest.request.get(article)).text();
    ensure(!after.includes('Thanks for the report'), 'the spammer\'s earlier comment is still on the article');
    await page.goto(`${base}/desk/comments?tab=hidden`, { waitUntil: 'load' });
    const hidden = await page.locator('table.desk-comments tbody tr').filter({ hasText: 'Thanks for the report' }).count();
    ensure(hidden === 1, `${hidden} of the spammer's comments in the hidden tab`);
    return `${notice.replace(/\s+/g, ' ').slice(0, 60)}; their comment is off the article`;
  } finally {
    await guest.close();
  }
}
