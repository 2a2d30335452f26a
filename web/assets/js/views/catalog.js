// Catalog browsing: services → databases → schemas → tables (each a paged list of the level
// below), the table page (views/table.js) and search results (views/catalog-search.js).
// /catalog?service=FQN | database=FQN | databaseSchema=FQN | table=FQN | q=…, plus after/before/limit.

import { h, show } from '../dom.js';
import { api } from '../api.js';
import { byNamePath, entityUrl, listPath } from '../catalog-links.js';
import { breadcrumbs, label, pager, searchBox } from '../catalog-parts.js';
import { tableView } from './table.js';
import { searchView } from './catalog-search.js';
import { ingestGuide } from './ingest-guide.js';

const isAdmin = async () => (await api('/api/v1/users/loggedInUser'))?.isAdmin === true;

// From the most specific parameter: which entity the page is about and what it lists.
const LEVELS = [
  { param: 'databaseSchema', type: 'databaseSchema', child: 'table', filter: 'databaseSchema', what: 'tables', fields: 'columns,tableConstraints' },
  { param: 'database', type: 'database', child: 'databaseSchema', filter: 'database', what: 'schemas' },
  { param: 'service', type: 'databaseService', child: 'database', filter: 'service', what: 'databases' },
];

function limitOf(params) {
  const n = Number.parseInt(params.get('limit') || '', 10);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 100) : 25;
}

function itemRow(type, entity) {
  const cells = [
    h('td', { 'data-label': 'Name' }, h('a', { href: entityUrl(type, entity.fullyQualifiedName), testid: 'catalog-item-link', text: label(entity) })),
  ];
  if (type === 'table') {
    cells.push(h('td', { 'data-label': 'Type', text: entity.tableType || '' }));
    cells.push(h('td', { 'data-label': 'Columns', text: String(entity.columns?.length ?? 0) }));
  }
  if (type === 'databaseService') cells.push(h('td', { 'data-label': 'Type', text: entity.serviceType || '' }));
  cells.push(h('td', { 'data-label': 'Description', class: 'description', text: entity.description || '' }));
  return h('tr', { testid: 'catalog-item', 'data-fqn': entity.fullyQualifiedName, 'data-type': type }, cells);
}

function itemsTable(type, items) {
  const heads = ['Name'];
  if (type === 'table') heads.push('Type', 'Columns');
  if (type === 'databaseService') heads.push('Type');
  heads.push('Description');
  return h('table', { testid: 'catalog-list' },
    h('thead', {}, h('tr', {}, heads.map((text) => h('th', { scope: 'col', text })))),
    h('tbody', {}, items.map((entity) => itemRow(type, entity))));
}

export async function catalogView() {
  const params = new URLSearchParams(window.location.search);
  if (params.get('table')) return tableView(params.get('table'));
  if (params.has('q')) return searchView(params);
  const level = LEVELS.find((l) => params.get(l.param));
  const limit = limitOf(params);
  const paging = { limit, after: params.get('after'), before: params.get('before') };
  show(h('h1', { text: 'Catalog' }), h('p', { text: 'Loading…' }));
  let parent = null;
  let page;
  let childType = 'databaseService';
  let current = {};
  if (level) {
    const fqn = params.get(level.param);
    current = { [level.param]: fqn, limit: params.get('limit') };
    childType = level.child;
    [parent, page] = await Promise.all([
      api(byNamePath(level.type, fqn)),
      api(listPath(level.child, { [level.filter]: fqn, fields: level.fields, ...paging })),
    ]);
  } else {
    current = { limit: params.get('limit') };
    page = await api(listPath('databaseService', paging));
  }
  const items = page?.data || [];
  const total = page?.paging?.total ?? items.length;
  const what = level?.what || 'database services';
  show(h('div', { class: 'catalog' },
    breadcrumbs(parent),
    h('h1', { testid: 'catalog-title', text: parent ? label(parent) : 'Catalog' }),
    parent?.description && h('p', { class: 'hint', testid: 'catalog-description', text: parent.description }),
    searchBox(),
    h('h2', { text: what[0].toUpperCase() + what.slice(1) }),
    h('p', { class: 'hint', testid: 'catalog-count', text: `${total} ${what}` }),
    items.length ? itemsTable(childType, items) : h('p', { testid: 'catalog-empty', text: `No ${what} here.` }),
    pager(page?.paging, current),
    // An empty catalog says how to fill it.
    !level && !items.length && !paging.after && !paging.before && await ingestGuide(await isAdmin()),
  ));
  return undefined;
}
