// Search results from GET /api/v1/search/query: ranked by relevance to the text (names first,
// then descriptions, columns, tags, owners), narrowed by filters (service, tag, owner, and the
// type in the search box), paged with from/size. Filters live in the URL, so a result page can
// be shared and the Back button undoes one.

import { h, show } from '../dom.js';
import { api } from '../api.js';
import * as router from '../router.js';
import { catalogUrl, entityUrl, TYPE_LABELS } from '../catalog-links.js';
import { breadcrumbs, label, searchBox } from '../catalog-parts.js';

const SIZE = 20;
/** URL parameter → the entity path its value must equal. */
const FILTERS = [
  ['service_name', 'service.name'],
  ['tag', 'tags.tagFQN'],
  ['owner', 'owners.name'],
];

function result(hit) {
  const entity = hit._source || {};
  const type = entity.entityType;
  const href = entityUrl(type, entity.fullyQualifiedName);
  const tags = (entity.tags || []).map((t) => h('span', { class: 'badge tag', testid: 'search-result-tag', text: t.tagFQN }));
  return h('li', { testid: 'search-result', 'data-fqn': entity.fullyQualifiedName, 'data-type': type },
    h('span', { class: 'badge', text: TYPE_LABELS[type] || type }), ' ',
    href ? h('a', { href, testid: 'search-result-link', text: label(entity) }) : h('strong', { text: label(entity) }),
    tags.length ? h('span', { class: 'tags' }, ' ', tags) : null,
    h('p', { class: 'hint mono', text: entity.fullyQualifiedName }),
    entity.description && h('p', { class: 'description', text: entity.description }));
}

/** `query_filter` for the filters set in the URL (null when none is). */
function queryFilter(params) {
  const terms = FILTERS.filter(([param]) => params.get(param)).map(([param, path]) => ({ term: { [path]: params.get(param) } }));
  return terms.length ? JSON.stringify({ query: { bool: { must: terms } } }) : null;
}

async function options(path, pick) {
  const answer = await api(path).catch(() => null);
  return (answer?.data || []).map(pick).filter(Boolean).sort();
}

async function filterForm(params) {
  const [services, tags] = await Promise.all([
    options('/api/v1/services/databaseServices?limit=100', (s) => s.name),
    options('/api/v1/tags?limit=100', (t) => t.fullyQualifiedName),
  ]);
  const current = (param) => params.get(param) || '';
  const service = h('select', { id: 'search-filter-service', testid: 'search-filter-service' },
    h('option', { value: '', text: 'Any service' }),
    services.map((name) => h('option', { value: name, text: name, selected: name === current('service_name') })));
  const tag = h('select', { id: 'search-filter-tag', testid: 'search-filter-tag' },
    h('option', { value: '', text: 'Any tag' }),
    tags.map((fqn) => h('option', { value: fqn, text: fqn, selected: fqn === current('tag') })));
  const owner = h('input', { id: 'search-filter-owner', testid: 'search-filter-owner', type: 'text', autocomplete: 'off', placeholder: 'User or team name' });
  owner.value = current('owner');
  const form = h('form', { class: 'filters', testid: 'search-filters', 'aria-label': 'Filters' },
    h('label', { for: 'search-filter-service', text: 'Service' }), service,
    h('label', { for: 'search-filter-tag', text: 'Tag' }), tag,
    h('label', { for: 'search-filter-owner', text: 'Owner' }), owner,
    h('button', { type: 'submit', testid: 'search-filters-apply', text: 'Apply filters' }),
    h('a', { href: catalogUrl({ q: params.get('q'), index: params.get('index') }), class: 'button secondary', testid: 'search-filters-clear', text: 'Clear filters' }));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = { q: params.get('q') || '*', index: params.get('index') || undefined,
      service_name: service.value, tag: tag.value, owner: owner.value.trim() };
    router.navigate(catalogUrl(next));
  });
  return form;
}

export async function searchView(params) {
  const q = params.get('q') || '';
  const index = params.get('index') || 'all';
  const from = Math.max(0, Number.parseInt(params.get('from') || '0', 10) || 0);
  show(h('h1', { text: 'Search' }), searchBox({ q, index }), h('p', { text: 'Searching…' }));
  const query = new URLSearchParams({ q, index, from: String(from), size: String(SIZE) });
  const filter = queryFilter(params);
  if (filter) query.set('query_filter', filter);
  const [answer, filters] = await Promise.all([api(`/api/v1/search/query?${query}`), filterForm(params)]);
  const hits = answer?.hits?.hits || [];
  const total = answer?.hits?.total?.value ?? hits.length;
  const here = Object.fromEntries(['q', 'index', ...FILTERS.map(([param]) => param)].map((p) => [p, params.get(p) || undefined]));
  const links = [];
  if (from > 0) links.push(h('a', { href: catalogUrl({ ...here, from: Math.max(0, from - SIZE) || undefined }), class: 'button secondary', testid: 'search-previous', text: 'Previous' }));
  if (from + hits.length < total) links.push(h('a', { href: catalogUrl({ ...here, from: from + SIZE }), class: 'button secondary', testid: 'search-next', text: 'Next' }));
  const what = q === '*' ? 'Everything' : `Search: ${q}`;
  show(h('div', { class: 'catalog' },
    breadcrumbs(null),
    h('h1', { testid: 'catalog-title', text: what }),
    searchBox({ q: q === '*' ? '' : q, index }),
    filters,
    h('p', { class: 'hint', testid: 'search-count', text: `${total} ${total === 1 ? 'match' : 'matches'}` }),
    hits.length ? h('ol', { class: 'results', testid: 'search-results' }, hits.map(result))
      : h('p', { testid: 'search-empty', text: filter ? `Nothing matches ${q} with these filters.` : `Nothing matches ${q}.` }),
    links.length ? h('nav', { 'aria-label': 'Pages', class: 'actions pager' }, links) : null,
  ));
}
