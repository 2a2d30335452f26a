// Search results: entities whose name, or a word of it, starts with the text (any case), from
// GET /api/v1/search/query, paged with from/size.

import { h, show } from '../dom.js';
import { api } from '../api.js';
import { catalogUrl, entityUrl, TYPE_LABELS } from '../catalog-links.js';
import { breadcrumbs, label, searchBox } from '../catalog-parts.js';

const SIZE = 20;

function result(hit) {
  const entity = hit._source || {};
  const type = entity.entityType;
  const href = entityUrl(type, entity.fullyQualifiedName);
  return h('li', { testid: 'search-result', 'data-fqn': entity.fullyQualifiedName, 'data-type': type },
    h('span', { class: 'badge', text: TYPE_LABELS[type] || type }), ' ',
    href ? h('a', { href, testid: 'search-result-link', text: label(entity) }) : h('strong', { text: label(entity) }),
    h('p', { class: 'hint mono', text: entity.fullyQualifiedName }),
    entity.description && h('p', { class: 'description', text: entity.description }));
}

export async function searchView(params) {
  const q = params.get('q') || '';
  const index = params.get('index') || 'all';
  const from = Math.max(0, Number.parseInt(params.get('from') || '0', 10) || 0);
  show(h('h1', { text: 'Search' }), searchBox({ q, index }), h('p', { text: 'Searching…' }));
  const query = new URLSearchParams({ q, index, from: String(from), size: String(SIZE) });
  const answer = await api(`/api/v1/search/query?${query}`);
  const hits = answer?.hits?.hits || [];
  const total = answer?.hits?.total?.value ?? hits.length;
  const more = answer?.hits?.total?.relation === 'gte' ? '+' : '';
  const links = [];
  if (from > 0) links.push(h('a', { href: catalogUrl({ q, index, from: Math.max(0, from - SIZE) || undefined }), class: 'button secondary', testid: 'search-previous', text: 'Previous' }));
  if (from + hits.length < total) links.push(h('a', { href: catalogUrl({ q, index, from: from + SIZE }), class: 'button secondary', testid: 'search-next', text: 'Next' }));
  show(h('div', { class: 'catalog' },
    breadcrumbs(null),
    h('h1', { testid: 'catalog-title', text: `Search: ${q}` }),
    searchBox({ q, index }),
    h('p', { class: 'hint', testid: 'search-count', text: `${total}${more} ${total === 1 && !more ? 'match' : 'matches'}` }),
    hits.length ? h('ul', { class: 'results', testid: 'search-results' }, hits.map(result)) : h('p', { testid: 'search-empty', text: `Nothing is named like ${q}.` }),
    links.length ? h('nav', { 'aria-label': 'Pages', class: 'actions pager' }, links) : null,
  ));
}
