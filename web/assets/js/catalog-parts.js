// Pieces every catalog page shares: breadcrumbs, the search box, paging links.

import { h } from './dom.js';
import * as router from './router.js';
import { catalogUrl, entityUrl } from './catalog-links.js';

export const label = (entity) => entity?.displayName || entity?.name || '';

/** Catalog › service › database › schema › current, from the entity's own references. */
export function breadcrumbs(entity) {
  const items = [h('li', {}, h('a', { href: '/catalog', text: 'Catalog' }))];
  if (entity) {
    for (const [key, type] of [['service', 'databaseService'], ['database', 'database'], ['databaseSchema', 'databaseSchema']]) {
      const ref = entity[key];
      if (ref?.fullyQualifiedName) items.push(h('li', {}, h('a', { href: entityUrl(type, ref.fullyQualifiedName), text: label(ref) })));
    }
    items.push(h('li', {}, h('span', { 'aria-current': 'page', text: label(entity) })));
  }
  return h('nav', { 'aria-label': 'Breadcrumb', class: 'breadcrumbs', testid: 'breadcrumbs' }, h('ol', {}, items));
}

const INDEXES = [
  ['all', 'Everything'],
  ['table_search_index', 'Tables'],
  ['database_schema_search_index', 'Schemas'],
  ['database_search_index', 'Databases'],
  ['database_service_search_index', 'Services'],
  ['stored_procedure_search_index', 'Stored procedures'],
];

/** The search box; submitting opens /catalog?q=…&index=… (`*` for everything when empty). */
export function searchBox({ q = '', index = 'all' } = {}) {
  const input = h('input', { id: 'catalog-search-input', type: 'search', name: 'q', testid: 'catalog-search-input', autocomplete: 'off', placeholder: 'Names, descriptions, columns, tags' });
  input.value = q;
  const select = h('select', { id: 'catalog-search-index', name: 'index', testid: 'catalog-search-index' },
    INDEXES.map(([value, text]) => h('option', { value, text, selected: value === index })));
  const form = h('form', { role: 'search', class: 'search', testid: 'catalog-search' },
    h('label', { for: 'catalog-search-input', text: 'Search the catalog' }),
    h('div', { class: 'search-row' },
      input,
      h('label', { for: 'catalog-search-index', class: 'visually-hidden', text: 'In' }),
      select,
      h('button', { type: 'submit', testid: 'catalog-search-submit' }, 'Search')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    router.navigate(catalogUrl({ q: input.value.trim() || '*', index: select.value }));
  });
  return form;
}

/** "Previous" / "Next" links for keyset paging (`paging.before` / `paging.after`). */
export function pager(paging, params) {
  const base = { ...params, after: undefined, before: undefined };
  const links = [];
  if (paging?.before) links.push(h('a', { href: catalogUrl({ ...base, before: paging.before }), testid: 'catalog-previous', class: 'button secondary', text: 'Previous' }));
  if (paging?.after) links.push(h('a', { href: catalogUrl({ ...base, after: paging.after }), testid: 'catalog-next', class: 'button secondary', text: 'Next' }));
  return links.length ? h('nav', { 'aria-label': 'Pages', class: 'actions pager' }, links) : null;
}
