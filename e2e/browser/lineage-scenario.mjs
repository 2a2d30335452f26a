// Lineage, usage and queries on the table page (issue 20, item 6): a view's upstream table is a
// link that opens that table's page, whose lineage shows both ways with column lineage; a deeper
// walk reaches the table two levels up; the day's usage and the SQL that mentions it are listed.
// Every edge and count is written through the API first and each page is checked against it.
// Imported by scenarios.mjs (group `editing`).

import assert from 'node:assert/strict';

import { put } from './catalog-scenario.mjs';
import { apiFetch, idToken, signIn } from './lib/ui.mjs';

const SCHEMA = 'lineage_shop.sales.public';

async function seed(base, token) {
  await put(base, token, 'services/databaseServices', { name: 'lineage_shop', serviceType: 'Postgres' });
  await put(base, token, 'databases', { name: 'sales', service: 'lineage_shop' });
  await put(base, token, 'databaseSchemas', { name: 'public', database: 'lineage_shop.sales' });
  const table = (name, columns, extra = {}) => put(base, token, 'tables', { name, databaseSchema: SCHEMA,
    columns: columns.map((c) => ({ name: c, dataType: 'INT' })), ...extra });
  const customers = await table('customers', ['id']);
  const orders = await table('orders', ['id', 'customer_id']);
  const big = await table('big_orders', ['id'], { tableType: 'View', schemaDefinition: 'CREATE VIEW big_orders AS SELECT id FROM orders' });
  const edge = (from, to, details) => put(base, token, 'lineage', { edge: {
    fromEntity: { id: from.id, type: 'table' }, toEntity: { id: to.id, type: 'table' }, lineageDetails: details } });
  await edge(customers, orders, { source: 'Manual',
    columnsLineage: [{ fromColumns: [`${SCHEMA}.customers.id`], toColumn: `${SCHEMA}.orders.customer_id` }] });
  await edge(orders, big, { source: 'ViewLineage', sqlQuery: 'CREATE VIEW big_orders AS SELECT id FROM orders',
    columnsLineage: [{ fromColumns: [`${SCHEMA}.orders.id`], toColumn: `${SCHEMA}.big_orders.id` }] });
  const today = new Date().toISOString().slice(0, 10);
  await put(base, token, `usage/table/${orders.id}`, { count: 7, date: today });
  await put(base, token, 'queries', { query: 'SELECT id, customer_id FROM orders', service: 'lineage_shop',
    users: ['admin'], duration: 42, queryUsedIn: [{ id: orders.id, type: 'table' }] });
  return today;
}

const fqnsIn = async (list) => list.locator('[data-testid="lineage-node"]').evaluateAll((links) => links.map((a) => a.dataset.fqn));

export async function tableLineage({ t, base }) {
  const { page } = t;
  await signIn(t, base, 'admin');
  const token = await idToken(page);
  const today = await seed(base, token);

  // The view: one level up is orders; nothing downstream.
  await page.goto(`${base}/catalog?table=${encodeURIComponent(`${SCHEMA}.big_orders`)}`);
  const upstream = page.getByTestId('lineage-upstream');
  await upstream.locator('[data-testid="lineage-node"]').first().waitFor();
  assert.deepEqual(await fqnsIn(upstream), [`${SCHEMA}.orders`]);
  assert.match(await page.getByTestId('lineage-downstream').innerText(), /Nothing is built from this table/);
  assert.match(await upstream.getByTestId('lineage-columns').innerText(), /id → id/);
  await t.shot('view-lineage');

  // Two levels up reach customers, through orders.
  await page.getByTestId('lineage-depth').selectOption('2');
  await upstream.locator(`[data-fqn="${SCHEMA}.customers"]`).waitFor();
  assert.deepEqual((await fqnsIn(upstream)).sort(), [`${SCHEMA}.customers`, `${SCHEMA}.orders`]);
  const api = (await apiFetch(base, `/api/v1/lineage/table/name/${SCHEMA}.big_orders?upstreamDepth=2&downstreamDepth=2`, token)).json;
  assert.equal(api.upstreamEdges.length, 2, 'the page shows what the API answers');

  // Following the link opens orders' page: customers upstream, the view downstream, its usage.
  await upstream.locator(`[data-fqn="${SCHEMA}.orders"]`).click();
  await page.waitForURL((url) => url.searchParams.get('table') === `${SCHEMA}.orders`);
  await page.getByTestId('table-name').filter({ hasText: 'orders' }).waitFor();
  const orderUpstream = page.getByTestId('lineage-upstream');
  await orderUpstream.locator('[data-testid="lineage-node"]').first().waitFor();
  assert.deepEqual(await fqnsIn(orderUpstream), [`${SCHEMA}.customers`]);
  assert.match(await orderUpstream.getByTestId('lineage-columns').innerText(), /id → customer_id/);
  assert.deepEqual(await fqnsIn(page.getByTestId('lineage-downstream')), [`${SCHEMA}.big_orders`]);
  const day = page.locator(`[data-testid="usage-row"][data-date="${today}"]`);
  await day.waitFor();
  assert.equal((await day.getByTestId('usage-daily').innerText()).trim(), '7');
  // The SQL that mentions orders, with who ran it.
  const sql = page.getByTestId('queries-list').getByTestId('query-sql');
  await sql.first().waitFor();
  assert.deepEqual(await sql.allInnerTexts(), ['SELECT id, customer_id FROM orders']);
  assert.match(await page.getByTestId('query-item').innerText(), /run by admin · 42 ms/);
  await t.shot('table-lineage-and-usage');
}
