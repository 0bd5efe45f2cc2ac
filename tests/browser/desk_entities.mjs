// The desk's Entities room in a real browser (issue 16): an editor takes the
// two most used unknown names, adds the first as a new entity through its
// "Add as a new entity" form, then merges the second into it through its
// "Add as a form" form, and sees the entity's page list the merged name.
//
// For desk.mjs to call inside a check(), with `page` logged in as an editor:
//
//   await check(`${tag}: a candidate merged into an entity`, `${BASE}/desk/entities`,
//               () => mergeCandidate(page, BASE, (name) => screenshot(page, `desk-${name}-${vp.name}.png`)));
//
// `shot(name)` takes a screenshot of `page`. Needs two unknown names used by
// at least one article each (every article of the site counts: ?days=0&min=1).
// Returns a short line for the report; throws when a step fails.

function ensure(ok, what) {
  if (!ok) throw new Error(what);
}

export async function mergeCandidate(page, base, shot) {
  const list = `${base}/desk/entities?days=0&min=1`;
  await page.goto(list, { waitUntil: 'load' });
  const candidates = page.locator('section.desk-candidate');
  const count = await candidates.count();
  ensure(count >= 2, `${count} unknown names on ${list}; two are needed`);
  await shot('entities-candidates');

  // The first name becomes an entity, under a fresh id (re-runs on one site).
  const first = candidates.nth(0);
  const key = await candidates.nth(1).locator('input[name=key]').first().inputValue();
  const id = `e2e-entity-${Date.now()}`;
  await first.locator('summary').click();
  await first.locator('input[name=id]').fill(id);
  await Promise.all([
    page.waitForURL(new RegExp(`/desk/entities/${id}\\?done=entity_added`)),
    first.locator('form[action="/desk/entities/add"] button[type=submit]').click(),
  ]);

  // The second is merged into it: it becomes one of the entity's forms.
  await page.goto(list, { waitUntil: 'load' });
  const second = page.locator('section.desk-candidate').filter({
    has: page.locator(`.desk-merge-candidate input[name=key][value="${key.replace(/["\\]/g, '\\$&')}"]`),
  });
  ensure(await second.count() === 1, `the name "${key}" is no longer offered`);
  const form = await second.locator('.desk-merge-candidate input[name=form]').inputValue();
  await second.locator('.desk-merge-candidate input[name=entity]').fill(id);
  await Promise.all([
    page.waitForURL(new RegExp(`/desk/entities/${id}\\?done=entity_alias`)),
    second.locator('.desk-merge-candidate button[type=submit]').click(),
  ]);
  const notice = await page.locator('.notice').innerText();
  ensure(/The form is added/.test(notice), `notice: ${notice}`);
  const forms = await page.locator('.desk-forms').innerText();
  ensure(forms.includes(form), `the entity's forms do not list "${form}": ${forms}`);
  await shot('entities-merged');
  return `"${form}" is a form of ${id}`;
}
