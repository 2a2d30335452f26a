// Search (issue 20, item 6): one search box over every kind, results ranked by relevance, narrowed
// by tag, owner and service filters, each page checked against the API's answer to the same
// search; then a result opens its table and a lineage link leads on from there. Imported by
// scenarios.mjs (group `editing`).

import assert from 'node:assert/strict';

import { put } from './catalog-scenario.mjs';
import { apiFetch, idToken, signIn } from './lib/ui.mjs';

const SCHEMA = 'search_shop.logistics.public';

async function seed(base, token) {
  const admin = (await apiFetch(base, '/api/v1/users/name/admin', token)).json;
  await put(base, token, 'services/databaseServices', { name: 'search_shop', serviceType: 'Postgres' });
  await put(base, token, 'databases', { name: 'logistics', service: 'search_shop' });
  await put(base, token, 'databaseSchemas', { name: 'public', database: 'search_shop.logistics' });
  const table = (name, extra) => put(base, token, 'tables', { name, databaseSchema: SCHEMA,
    columns: [{ name: 'id', dataType: 'INT' }], ...extra });
  const tag = (tagFQN) => ({ tagFQN, source: 'Classification', labelType: 'Manual', state: 'Confirmed' });
  await table('depots', { description: 'Where vans load' });
  const parcels = await table('parcels', { description: 'Shipments leaving the depot', tags: [tag('PII.Sensitive')] });
  const events = await table('parcel_events', { description: 'Scans of each parcel at the depot',
    owners: [{ id: admin.id, type: 'user' }] });
  await put(base, token, 'lineage', { edge: { fromEntity: { id: parcels.id, type: 'table' },
    toEntity: { id: events.id, type: 'table' }, lineageDetails: { source: 'Manual' } } });
}

const shown = async (page) => page.locator('[data-testid="search-result"]').evaluateAll((items) => items.map((li) => li.dataset.fqn));

async function apiFqns(base, token, query) {
  const answer = (await apiFetch(base, `/api/v1/search/query?${new URLSearchParams({ size: '20', ...query })}`, token)).json;
  return answer.hits.hits.map((hit) => hit._source.fullyQualifiedName);
}

async function waitForResults(page, what) {
  await page.getByTestId('search-count').waitFor();
  await page.waitForFunction((text) => document.querySelector('[data-testid="catalog-title"]')?.textContent === text, what);
}

export async function catalogSearch({ t, base }) {
  const { page } = t;
  await signIn(t, base, 'admin');
  const token = await idToken(page);
  await seed(base, token);

  // One box, every kind: the name that starts with the word ranks first, then the descriptions.
  await page.goto(`${base}/catalog`);
  await page.getByLabel('Search the catalog').fill('depot');
  await page.getByTestId('catalog-search-submit').click();
  await waitForResults(page, 'Search: depot');
  const ranked = await shown(page);
  assert.equal(ranked[0], `${SCHEMA}.depots`, 'the name first');
  assert.deepEqual([...ranked].sort(), [`${SCHEMA}.depots`, `${SCHEMA}.parcel_events`, `${SCHEMA}.parcels`]);
  assert.deepEqual(ranked, await apiFqns(base, token, { q: 'depot', index: 'all' }), 'the page shows what the API answers');
  await t.shot('search-ranked');

  // A tag filter narrows it to the tagged table, and says so in the URL.
  await page.getByLabel('Tag').selectOption('PII.Sensitive');
  await page.getByTestId('search-filters-apply').click();
  await page.waitForURL((url) => url.searchParams.get('tag') === 'PII.Sensitive');
  await page.locator('[data-testid="search-result"]').first().waitFor();
  assert.deepEqual(await shown(page), [`${SCHEMA}.parcels`]);
  await t.shot('search-tag-filter');

  // The owner filter instead: the table admin owns.
  await page.getByTestId('search-filters-clear').click();
  await page.waitForURL((url) => !url.searchParams.has('tag'));
  await page.getByLabel('Owner').fill('admin');
  await page.getByTestId('search-filters-apply').click();
  await page.waitForURL((url) => url.searchParams.get('owner') === 'admin');
  await page.locator(`[data-testid="search-result"][data-fqn="${SCHEMA}.parcel_events"]`).waitFor();
  assert.deepEqual(await shown(page), [`${SCHEMA}.parcel_events`]);

  // Everything in one service, tables only, as the API answers it.
  await page.goto(`${base}/catalog?q=*&index=table_search_index&service_name=search_shop`);
  await waitForResults(page, 'Everything');
  const filter = JSON.stringify({ query: { bool: { must: [{ term: { 'service.name': 'search_shop' } }] } } });
  assert.deepEqual(await shown(page), await apiFqns(base, token, { q: '*', index: 'table_search_index', query_filter: filter }));
  assert.equal((await shown(page)).length, 3);

  // A result opens its table; its lineage link leads on to the next table.
  await page.locator(`[data-testid="search-result"][data-fqn="${SCHEMA}.parcels"] [data-testid="search-result-link"]`).click();
  await page.waitForURL((url) => url.searchParams.get('table') === `${SCHEMA}.parcels`);
  const downstream = page.getByTestId('lineage-downstream');
  await downstream.locator(`[data-fqn="${SCHEMA}.parcel_events"]`).click();
  await page.waitForURL((url) => url.searchParams.get('table') === `${SCHEMA}.parcel_events`);
  await page.getByTestId('table-name').filter({ hasText: 'parcel_events' }).waitFor();
  await t.shot('search-to-lineage');
}
