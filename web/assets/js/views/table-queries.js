// The table page's queries: the SQL that mentions the table (GET /api/v1/queries?entityId=), newest
// in the order the API pages them, with who ran it and how long it took. Read-only.

import { h } from '../dom.js';
import { api } from '../api.js';

const SHOWN = 10;

function query(item) {
  const users = (item.users || []).map((u) => u.displayName || u.name).join(', ');
  const facts = [
    item.queryDate ? new Date(item.queryDate).toISOString().slice(0, 10) : null,
    users ? `run by ${users}` : null,
    typeof item.duration === 'number' ? `${item.duration} ms` : null,
  ].filter(Boolean).join(' · ');
  return h('li', { testid: 'query-item', 'data-checksum': item.checksum || '' },
    h('pre', { class: 'code', testid: 'query-sql', text: item.query }),
    facts ? h('p', { class: 'hint', text: facts }) : null);
}

/** The queries section. */
export function queriesSection(table) {
  const body = h('div', { testid: 'queries-body' }, h('p', { text: 'Loading queries…' }));
  const path = `/api/v1/queries?${new URLSearchParams({ entityId: table.id, limit: String(SHOWN), fields: 'users' })}`;
  api(path).then((answer) => {
    const items = answer.data || [];
    if (!items.length) {
      body.replaceChildren(h('p', { class: 'hint', testid: 'queries-none', text: 'No query mentioning this table has been recorded.' }));
      return;
    }
    const total = answer.paging?.total ?? items.length;
    body.replaceChildren(
      h('p', { class: 'hint', testid: 'queries-count', text: total > items.length ? `The first ${items.length} of ${total}` : `${total} ${total === 1 ? 'query' : 'queries'}` }),
      h('ul', { class: 'results', testid: 'queries-list' }, items.map(query)));
  }).catch((error) => {
    body.replaceChildren(h('p', { class: 'hint', testid: 'queries-unavailable', text: `Queries are not available: ${error.message}` }));
  });
  return h('section', { 'aria-labelledby': 'queries-heading', testid: 'queries-section' },
    h('h2', { id: 'queries-heading', text: 'Queries' }), body);
}
