// The catalog browser scenario (issue 6, item 5): seed a small catalog through the API, browse
// services → databases → schemas → tables → columns, page through a long list, search by name,
// and browse as a DataConsumer. Imported by scenarios.mjs (group `catalog`).

import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { apiFetch, byTestId, expectText, idToken, openPage, signIn, waitForPath } from './lib/ui.mjs';

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), 'artifacts');
const SCHEMA = 'e2e_shop.sales.public';
const ODD = 'Q3.résumé café'; // a dot (so its FQN part is quoted), Unicode and a space
const ODD_FQN = `${SCHEMA}."${ODD}"`;
const TRAP = '<img src=x onerror="window.__pwned=1">'; // must show as text, never as markup

export async function put(base, token, collection, body) {
  const r = await fetch(`${base}/api/v1/${collection}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const json = await r.json().catch(() => null);
  assert.ok(r.status === 200 || r.status === 201, `PUT ${collection} ${body.name}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

async function seed(base, token) {
  await put(base, token, 'services/databaseServices', { name: 'e2e_shop', serviceType: 'Postgres', description: 'Shop service' });
  await put(base, token, 'databases', { name: 'sales', service: 'e2e_shop', description: 'Sales database' });
  await put(base, token, 'databaseSchemas', { name: 'public', database: 'e2e_shop.sales' });
  await put(base, token, 'tables', {
    name: ODD, databaseSchema: SCHEMA, tableType: 'Regular', description: TRAP,
    columns: [
      { name: 'id', dataType: 'BIGINT', constraint: 'PRIMARY_KEY', description: 'Row id' },
      { name: 'customer', dataType: 'STRUCT', dataTypeDisplay: 'struct<name:varchar(40),address:struct<city:text>>', children: [
        { name: 'name', dataType: 'VARCHAR', dataLength: 40, description: 'Full name' },
        { name: 'address', dataType: 'STRUCT', children: [{ name: 'city', dataType: 'TEXT', description: 'Città' }] },
      ] },
      { name: 'order_id', dataType: 'INT', constraint: 'NOT_NULL' },
    ],
    tableConstraints: [{ constraintType: 'FOREIGN_KEY', columns: ['order_id'], referredColumns: [`${SCHEMA}.orders.id`] }],
  });
  await put(base, token, 'tables', { name: 'orders', databaseSchema: SCHEMA, columns: [{ name: 'id', dataType: 'INT' }] });
  await put(base, token, 'tables', {
    name: 'big_orders', databaseSchema: SCHEMA, tableType: 'View', columns: [{ name: 'id', dataType: 'INT' }],
    schemaDefinition: 'CREATE VIEW big_orders AS SELECT * FROM orders WHERE id > 100',
  });
  for (const name of ['a_table', 'b_table']) {
    await put(base, token, 'tables', { name, databaseSchema: SCHEMA, columns: [{ name: 'id', dataType: 'INT' }] }); // eslint-disable-line no-await-in-loop
  }
  const gone = await put(base, token, 'tables', { name: 'zz_dropped', databaseSchema: SCHEMA, columns: [{ name: 'id', dataType: 'INT' }] });
  const del = await fetch(`${base}/api/v1/tables/${gone.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
  assert.equal(del.status, 200, 'soft-deleting zz_dropped');
}

const visibleNames = (page) => page.locator('[data-testid="catalog-item"]').evaluateAll((rows) => rows.map((r) => r.dataset.fqn));

async function open(t, testid, fqn) {
  await t.page.locator(`[data-testid="${testid}"][data-fqn="${fqn.replace(/["\\]/g, '\\$&')}"] a`).first().click();
}

export async function catalogBrowse({ t, base, browser }) {
  const { page } = t;
  await signIn(t, base, 'admin');
  await seed(base, await idToken(page));

  // Services → databases → schemas → tables, by clicking.
  await byTestId(page, 'nav-catalog').click();
  await waitForPath(page, '/catalog');
  await expectText(page, 'catalog-title', 'Catalog');
  await page.locator('[data-testid="catalog-item"][data-fqn="e2e_shop"]').waitFor();
  await t.shot('services');
  await open(t, 'catalog-item', 'e2e_shop');
  await expectText(page, 'catalog-title', 'e2e_shop');
  await expectText(page, 'catalog-description', 'Shop service');
  await open(t, 'catalog-item', 'e2e_shop.sales');
  await expectText(page, 'catalog-title', 'sales');
  await open(t, 'catalog-item', SCHEMA);
  await expectText(page, 'catalog-title', 'public');
  await expectText(page, 'catalog-count', '5 tables');
  await t.shot('tables');
  const tables = await visibleNames(page);
  assert.deepEqual(new Set(tables), new Set([ODD_FQN, `${SCHEMA}.orders`, `${SCHEMA}.big_orders`, `${SCHEMA}.a_table`, `${SCHEMA}.b_table`]),
    'the five live tables, not the soft-deleted one');
  const crumbs = await byTestId(page, 'breadcrumbs').locator('li').allTextContents();
  assert.deepEqual(crumbs.map((c) => c.trim()), ['Catalog', 'e2e_shop', 'sales', 'public']);

  // Paging with after cursors: two at a time, Next until the end, same five tables.
  await page.goto(`${base}/catalog?databaseSchema=${encodeURIComponent(SCHEMA)}&limit=2`);
  const paged = [];
  for (let i = 0; i < 5; i += 1) {
    await page.locator('[data-testid="catalog-item"]').first().waitFor(); // eslint-disable-line no-await-in-loop
    const names = await visibleNames(page); // eslint-disable-line no-await-in-loop
    assert.ok(names.length <= 2, `a page holds at most 2 (got ${names.length})`);
    paged.push(...names);
    const next = byTestId(page, 'catalog-next');
    if (!(await next.count())) break; // eslint-disable-line no-await-in-loop
    if (i === 0) await t.shot('paged'); // eslint-disable-line no-await-in-loop
    await next.click(); // eslint-disable-line no-await-in-loop
    await page.waitForURL((u) => u.searchParams.has('after')); // eslint-disable-line no-await-in-loop
    await page.waitForFunction((prev) => { // eslint-disable-line no-await-in-loop
      const first = document.querySelector('[data-testid="catalog-item"]');
      return first && first.dataset.fqn !== prev;
    }, names[0]);
  }
  assert.deepEqual(paged, tables, 'paging shows every table once, in list order');
  await byTestId(page, 'catalog-previous').click();
  await page.waitForURL((u) => u.searchParams.has('before'));
  await page.locator('[data-testid="catalog-item"]').first().waitFor();

  // The odd table: columns with nested children, types, constraints, descriptions, as text.
  await page.goto(`${base}/catalog?databaseSchema=${encodeURIComponent(SCHEMA)}`);
  await open(t, 'catalog-item', ODD_FQN);
  await expectText(page, 'table-name', ODD);
  await expectText(page, 'table-fqn', ODD_FQN);
  await expectText(page, 'table-description', TRAP);
  assert.equal(await page.locator('#view img').count(), 0, 'a description is never markup');
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  const rows = await page.locator('[data-testid="column-row"]').evaluateAll((trs) => trs.map((tr) => ({
    depth: tr.dataset.depth,
    name: tr.querySelector('[data-testid="column-name"]').textContent,
    type: tr.querySelector('[data-testid="column-type"]').textContent,
    constraints: tr.querySelector('[data-testid="column-constraints"]').textContent,
    description: tr.querySelector('[data-testid="column-description"]').textContent,
  })));
  assert.deepEqual(rows, [
    { depth: '0', name: 'id', type: 'BIGINT', constraints: 'Primary key', description: 'Row id' },
    { depth: '0', name: 'customer', type: 'struct<name:varchar(40),address:struct<city:text>>', constraints: '', description: '' },
    { depth: '1', name: 'name', type: 'VARCHAR(40)', constraints: '', description: 'Full name' },
    { depth: '1', name: 'address', type: 'STRUCT', constraints: '', description: '' },
    { depth: '2', name: 'city', type: 'TEXT', constraints: '', description: 'Città' },
    { depth: '0', name: 'order_id', type: 'INT', constraints: `Not null; Foreign key → ${SCHEMA}.orders.id`, description: '' },
  ]);
  const indent = async (depth) => page.locator(`[data-testid="column-row"][data-depth="${depth}"] [data-testid="column-name"]`).first()
    .evaluate((td) => Number.parseFloat(getComputedStyle(td).paddingLeft));
  assert.ok((await indent(2)) > (await indent(1)) && (await indent(1)) > (await indent(0)), 'children are indented by depth');
  const crumbs2 = await byTestId(page, 'breadcrumbs').locator('li').allTextContents();
  assert.deepEqual(crumbs2.map((c) => c.trim()), ['Catalog', 'e2e_shop', 'sales', 'public', ODD]);
  await t.shot('table-columns');

  // A view shows its definition.
  await page.goto(`${base}/catalog?table=${encodeURIComponent(`${SCHEMA}.big_orders`)}`);
  await expectText(page, 'table-schema-definition', 'CREATE VIEW big_orders AS SELECT * FROM orders WHERE id > 100');
  await expectText(page, 'table-type', 'View');
  await t.shot('view-definition');

  // The search box finds the odd table by a word of its name, in another case.
  await byTestId(page, 'catalog-search-input').fill('RÉSUMÉ');
  const searched = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/search/query');
  await byTestId(page, 'catalog-search-submit').click();
  assert.equal((await searched).status(), 200);
  await page.locator(`[data-testid="search-result"][data-fqn="${ODD_FQN.replace(/"/g, '\\"')}"]`).waitFor();
  await expectText(page, 'search-count', '1 match');
  await t.shot('search');
  await page.locator('[data-testid="search-result-link"]').click();
  await expectText(page, 'table-fqn', ODD_FQN);
  // By the start of the name, every kind at once: the service, then nothing deleted.
  await byTestId(page, 'catalog-search-input').fill('e2e');
  await byTestId(page, 'catalog-search-submit').click();
  await page.locator('[data-testid="search-result"][data-fqn="e2e_shop"][data-type="databaseService"]').waitFor();
  await byTestId(page, 'catalog-search-input').fill('zz_dro');
  await byTestId(page, 'catalog-search-submit').click();
  await byTestId(page, 'search-empty').waitFor();
  await t.shot('search-deleted-hidden');

  // A DataConsumer (bob, signing up) browses and searches too.
  const bob = await openPage(browser, { scenario: 'catalog-browse-consumer', artifacts: ARTIFACTS });
  try {
    await signIn(bob, base, 'bob', { landing: 'signup-form' });
    await byTestId(bob.page, 'signup-submit').click();
    await byTestId(bob.page, 'home-name').waitFor();
    const bobToken = await idToken(bob.page);
    assert.equal((await apiFetch(base, '/api/v1/users/loggedInUser', bobToken)).json?.isAdmin, false);
    const write = await fetch(`${base}/api/v1/tables`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${bobToken}` },
      body: JSON.stringify({ name: 'bobs', databaseSchema: SCHEMA, columns: [{ name: 'id', dataType: 'INT' }] }) });
    assert.equal(write.status, 403, 'a DataConsumer reads but cannot write');
    await bob.page.goto(`${base}/catalog?table=${encodeURIComponent(ODD_FQN)}`);
    await expectText(bob.page, 'table-fqn', ODD_FQN);
    await bob.page.goto(`${base}/catalog?q=caf&index=table_search_index`);
    await bob.page.locator('[data-testid="search-result"]').first().waitFor();
    assert.deepEqual(await bob.page.locator('[data-testid="search-result"]').evaluateAll((li) => li.map((x) => x.dataset.fqn)), [ODD_FQN]);
    await bob.shot('consumer-search');
  } finally {
    await bob.context.close();
  }
}
