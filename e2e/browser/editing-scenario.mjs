// Editing on the table page (issue 19, item 8): the empty catalog's ingestion guide, then the admin edits a description in Markdown with its
// preview, adds and removes a table tag, tags a column and gives the table a team as owner, each
// read back from the API; a DataConsumer sees only the controls the policies let them use.
// Imported by scenarios.mjs (group `editing`).

import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { put } from './catalog-scenario.mjs';
import { apiFetch, byTestId, idToken, openPage, signIn } from './lib/ui.mjs';

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), 'artifacts');
const FQN = 'edit_shop.sales.public.orders';

async function seed(base, token) {
  await put(base, token, 'services/databaseServices', { name: 'edit_shop', serviceType: 'Postgres' });
  await put(base, token, 'databases', { name: 'sales', service: 'edit_shop' });
  await put(base, token, 'databaseSchemas', { name: 'public', database: 'edit_shop.sales' });
  await put(base, token, 'tables', { name: 'orders', databaseSchema: 'edit_shop.sales.public',
    columns: [{ name: 'id', dataType: 'INT' }, { name: 'email', dataType: 'VARCHAR', dataLength: 255 }] });
  await put(base, token, 'teams', { name: 'analysts', teamType: 'Group' });
}

const read = async (base, token) => (await apiFetch(base, `/api/v1/tables/name/${FQN}?fields=tags,owners,columns`, token)).json;

/** Clicks Save in the open editor and waits for the page drawn again from the server. */
async function save(page, testid) {
  const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes('/api/v1/tables/'));
  await page.getByTestId(testid).click();
  assert.equal((await saved).status(), 200, `${testid}: the PATCH was accepted`);
  await page.getByTestId('table-name').waitFor();
}

export async function tableEditing({ t, base, browser }) {
  const { page } = t;
  await signIn(t, base, 'admin');
  const token = await idToken(page);

  // The empty catalog shows how to fill it: a workflow for this server with the bot's token.
  await page.goto(`${base}/catalog`);
  await page.getByTestId('ingest-guide').waitFor();
  const yaml = await page.getByTestId('ingest-yaml').inputValue();
  const bot = (await apiFetch(base, '/api/v1/bots/name/ingestion-bot', token)).json;
  const botToken = (await apiFetch(base, `/api/v1/users/token/${bot.botUser.id}`, token)).json.JWTToken;
  assert.ok(yaml.includes(`hostPort: ${base}/api`) && yaml.includes(`jwtToken: ${botToken}`), yaml);
  await t.shot('empty-catalog-guide');

  await seed(base, token);
  await page.goto(`${base}/catalog?table=${encodeURIComponent(FQN)}`);

  // Description: Markdown with a live preview, saved, shown rendered.
  await page.getByRole('button', { name: 'Edit description' }).click();
  const input = page.getByTestId('table-description-input');
  await input.fill('Orders **placed online**, see [the runbook](https://example.com/runbook).');
  await page.getByTestId('table-description-preview').locator('strong', { hasText: 'placed online' }).waitFor();
  await t.shot('description-preview');
  await save(page, 'table-description-save');
  assert.equal((await read(base, token)).description, 'Orders **placed online**, see [the runbook](https://example.com/runbook).');
  await page.getByTestId('table-description').locator('a[href="https://example.com/runbook"]').waitFor();

  // A table tag added, then removed.
  await page.getByTestId('table-tags-add').click();
  await page.getByTestId('table-tags-input').selectOption('PII.Sensitive');
  await save(page, 'table-tags-save');
  assert.deepEqual((await read(base, token)).tags.map((l) => l.tagFQN), ['PII.Sensitive']);
  await page.locator('[data-testid="table-tag"][data-tag="PII.Sensitive"]').waitFor();
  await t.shot('table-tagged');
  const removed = page.waitForResponse((r) => r.request().method() === 'PATCH');
  await page.getByRole('button', { name: 'Remove tag PII.Sensitive' }).click();
  assert.equal((await removed).status(), 200);
  await page.getByTestId('table-name').waitFor();
  assert.deepEqual((await read(base, token)).tags, []);

  // A column tag (the second column, email).
  await page.getByTestId('column-tags-add').nth(1).click();
  await page.getByTestId('column-tags-input').selectOption('PII.NonSensitive');
  await save(page, 'column-tags-save');
  const columns = (await read(base, token)).columns;
  assert.deepEqual(columns.map((c) => (c.tags || []).map((l) => l.tagFQN)), [[], ['PII.NonSensitive']]);

  // Owner: the team analysts.
  await page.getByRole('button', { name: 'Edit owners' }).click();
  const team = (await apiFetch(base, '/api/v1/teams/name/analysts', token)).json;
  await page.getByTestId('table-owners-input').selectOption(`team:${team.id}`);
  await save(page, 'table-owners-save');
  assert.deepEqual((await read(base, token)).owners.map((o) => [o.type, o.name]), [['team', 'analysts']]);
  await page.locator('[data-testid="table-owner"][data-owner="analysts"]').waitFor();
  await t.shot('owned');

  // A DataConsumer: may edit descriptions and tags, not owners of a table someone owns.
  const bob = await openPage(browser, { scenario: 'table-editing-consumer', artifacts: ARTIFACTS });
  try {
    await signIn(bob, base, 'bob', { landing: 'signup-form' });
    await bob.page.getByTestId('signup-submit').click();
    await bob.page.getByTestId('home-name').waitFor();
    await bob.page.goto(`${base}/catalog?table=${encodeURIComponent(FQN)}`);
    await bob.page.getByTestId('table-owners').waitFor();
    await byTestId(bob.page, 'table-description-edit').waitFor();
    await byTestId(bob.page, 'table-tags-add').waitFor();
    assert.equal(await byTestId(bob.page, 'table-owners-edit').count(), 0, 'no owner control for bob');
    assert.ok(!(await bob.page.locator('#nav').textContent()).includes('false'), 'links left out leave no trace');
    // The catalog is not empty any more: no guide.
    await bob.page.goto(`${base}/catalog`);
    await bob.page.getByTestId('catalog-list').waitFor();
    assert.equal(await byTestId(bob.page, 'ingest-guide').count(), 0);
    await bob.shot('consumer-controls');
  } finally {
    await bob.context.close();
  }
}
