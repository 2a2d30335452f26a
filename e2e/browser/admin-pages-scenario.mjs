// The admin pages (issue 19, item 8): People (create a team with a default role, add a member,
// give a user a role) and Roles and policies (a rule's condition checked while typing, refused
// when it does not parse, saved when it does), each change read back from the API; a
// non-admin sees neither page. Imported by scenarios.mjs (group `editing`).

import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { apiFetch, byTestId, idToken, openPage, signIn } from './lib/ui.mjs';

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), 'artifacts');

export async function adminPages({ t, base, browser }) {
  const { page } = t;
  // alice signs up first, so there is someone to add; she sees no admin page.
  const alice = await openPage(browser, { scenario: 'admin-pages-alice', artifacts: ARTIFACTS });
  let name;
  try {
    await signIn(alice, base, 'alice', { landing: 'signup-form' });
    await alice.page.getByTestId('signup-submit').click();
    name = await alice.page.getByTestId('home-name').textContent();
    assert.equal(await byTestId(alice.page, 'nav-people').count(), 0, 'no admin links for alice');
    await alice.page.goto(`${base}/settings/people`);
    await byTestId(alice.page, 'people-forbidden').waitFor();
  } finally {
    await alice.context.close();
  }

  await signIn(t, base, 'admin');
  const token = await idToken(page);
  await byTestId(page, 'nav-people').click();
  await byTestId(page, 'teams-table').waitFor();

  // A Group team with DataSteward as its default role.
  await page.getByLabel('Name').fill('stewards');
  await page.getByTestId('team-roles').selectOption('DataSteward');
  const created = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/teams'));
  await page.getByTestId('team-create-submit').click();
  assert.equal((await created).status(), 201);
  const row = page.locator('[data-testid="team-row"][data-team="stewards"]');
  await row.waitFor();
  const team = (await apiFetch(base, '/api/v1/teams/name/stewards', token)).json;
  assert.deepEqual([team.teamType, team.defaultRoles.map((r) => r.name)], ['Group', ['DataSteward']]);

  // alice joins it.
  const user = (await apiFetch(base, `/api/v1/users/name/${encodeURIComponent(name)}`, token)).json;
  await row.getByTestId('team-add-member').selectOption(user.id);
  await row.getByTestId('team-add-member-submit').click();
  await page.locator('[data-testid="team-row"][data-team="stewards"] [data-testid="team-members"]', { hasText: name }).waitFor();
  assert.deepEqual((await apiFetch(base, '/api/v1/teams/name/stewards', token)).json.users.map((u) => u.name), [name]);
  await t.shot('people');

  // alice gets the DataSteward role herself too.
  const userRow = page.locator(`[data-testid="user-row"][data-user="${name}"]`);
  await userRow.getByTestId('user-roles').selectOption(['DataSteward']);
  const patched = page.waitForResponse((r) => r.request().method() === 'PATCH');
  await userRow.getByTestId('user-roles-save').click();
  assert.equal((await patched).status(), 200);
  const roles = (await apiFetch(base, `/api/v1/users/name/${encodeURIComponent(name)}?fields=roles`, token)).json.roles.map((r) => r.name);
  assert.deepEqual(roles, ['DataSteward']);

  // A policy rule's condition: refused while it does not parse, saved when it does.
  await byTestId(page, 'nav-access').click();
  const rule = page.locator('[data-testid="policy"][data-policy="DataStewardPolicy"] [data-testid="policy-rule"]').first();
  await rule.waitFor();
  const input = rule.getByTestId('rule-condition');
  await input.fill('isOwner(');
  await rule.getByTestId('rule-condition-verdict').filter({ hasText: 'Not valid' }).waitFor();
  assert.ok(await rule.getByTestId('rule-condition-save').isDisabled(), 'an invalid condition cannot be saved');
  await input.fill("isOwner() || matchAnyTag('PII.Sensitive')");
  await rule.getByTestId('rule-condition-verdict').filter({ hasText: 'Valid.' }).waitFor();
  const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith('/api/v1/policies'));
  await rule.getByTestId('rule-condition-save').click();
  assert.equal((await saved).status(), 200);
  const policy = (await apiFetch(base, '/api/v1/policies/name/DataStewardPolicy', token)).json;
  assert.equal(policy.rules[0].condition, "isOwner() || matchAnyTag('PII.Sensitive')");
  await t.shot('policies');
}
