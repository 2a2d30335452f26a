// The table page's lineage and usage: upstream and downstream entities as links (depth 1–3, each
// edge with its source and column lineage), and the last 30 days of usage. Read-only; each
// section says so when the API refuses it, instead of failing the page.

import { h } from '../dom.js';
import { api } from '../api.js';
import { entityUrl, TYPE_LABELS } from '../catalog-links.js';
import { label } from '../catalog-parts.js';

/** "from.col, from.col2 → to.col" lines of an edge's column lineage, with the table part cut. */
function columnLines(details, fromFqn, toFqn) {
  const cut = (fqn, table) => (fqn?.startsWith(`${table}.`) ? fqn.slice(table.length + 1) : fqn || '');
  return (details?.columnsLineage || []).map((c) =>
    `${(c.fromColumns || []).map((f) => cut(f, fromFqn)).join(', ')} → ${cut(c.toColumn, toFqn)}`);
}

/** One list item per edge: the entity on the far side as a link, the source, the columns. */
function edgeItems(edges, nodes, upstream, selfId) {
  return edges.map((edge) => {
    const far = nodes.get(upstream ? edge.fromEntity : edge.toEntity);
    const near = nodes.get(upstream ? edge.toEntity : edge.fromEntity);
    if (!far || !near) return null;
    const from = upstream ? far : near;
    const to = upstream ? near : far;
    const href = entityUrl(far.type, far.fullyQualifiedName);
    const name = href
      ? h('a', { href, testid: 'lineage-node', 'data-fqn': far.fullyQualifiedName, text: far.fullyQualifiedName })
      : h('span', { testid: 'lineage-node', 'data-fqn': far.fullyQualifiedName, text: far.fullyQualifiedName });
    // Beyond the first level, say which entity the edge meets.
    const via = near.id === selfId ? '' : upstream ? `, into ${label(near)}` : `, from ${label(near)}`;
    const columns = columnLines(edge.lineageDetails, from.fullyQualifiedName, to.fullyQualifiedName);
    return h('li', { testid: 'lineage-edge' },
      name,
      h('span', { class: 'hint', text: ` ${TYPE_LABELS[far.type] || far.type}, ${edge.lineageDetails?.source || 'Manual'}${via}` }),
      columns.length ? h('ul', { testid: 'lineage-columns' }, columns.map((text) => h('li', { class: 'mono', text }))) : null);
  });
}

async function drawLineage(table, depth, body) {
  body.replaceChildren(h('p', { text: 'Loading lineage…' }));
  try {
    const answer = await api(`/api/v1/lineage/table/${encodeURIComponent(table.id)}?upstreamDepth=${depth}&downstreamDepth=${depth}`);
    const nodes = new Map([[answer.entity.id, answer.entity], ...answer.nodes.map((n) => [n.id, n])]);
    const list = (edges, upstream, testid, empty) => (edges.length
      ? h('ul', { testid }, edgeItems(edges, nodes, upstream, answer.entity.id))
      : h('p', { testid, class: 'hint', text: empty }));
    body.replaceChildren(
      h('h3', { text: 'Upstream' }),
      list(answer.upstreamEdges, true, 'lineage-upstream', 'Nothing flows into this table.'),
      h('h3', { text: 'Downstream' }),
      list(answer.downstreamEdges, false, 'lineage-downstream', 'Nothing is built from this table.'));
  } catch (error) {
    body.replaceChildren(h('p', { class: 'hint', testid: 'lineage-unavailable', text: `Lineage is not available: ${error.message}` }));
  }
}

/** The lineage section, with its depth picker. */
export function lineageSection(table) {
  const body = h('div', { testid: 'lineage-body' });
  const depth = h('select', { id: 'lineage-depth', testid: 'lineage-depth' },
    [1, 2, 3].map((n) => h('option', { value: String(n), text: n === 1 ? '1 level' : `${n} levels` })));
  depth.addEventListener('change', () => drawLineage(table, Number(depth.value), body));
  drawLineage(table, 1, body);
  return h('section', { 'aria-labelledby': 'lineage-heading', testid: 'lineage-section' },
    h('h2', { id: 'lineage-heading', text: 'Lineage' }),
    h('label', { for: 'lineage-depth', text: 'Depth ' }), depth,
    body);
}

/** The usage section: one row per day of the last 30 that has a count. */
export function usageSection(table) {
  const body = h('div', { testid: 'usage-body' }, h('p', { text: 'Loading usage…' }));
  api(`/api/v1/usage/table/${encodeURIComponent(table.id)}?days=30`).then((answer) => {
    if (!answer.usage.length) {
      body.replaceChildren(h('p', { class: 'hint', testid: 'usage-none', text: 'No usage recorded in the last 30 days.' }));
      return;
    }
    const cell = (stats) => `${stats?.count ?? 0}${stats?.percentileRank ? ` (${stats.percentileRank}th percentile)` : ''}`;
    body.replaceChildren(h('table', { testid: 'usage-table' },
      h('thead', {}, h('tr', {}, ['Day', 'That day', '7 days', '30 days'].map((text) => h('th', { scope: 'col', text })))),
      h('tbody', {}, answer.usage.map((day) => h('tr', { testid: 'usage-row', 'data-date': day.date },
        h('td', { 'data-label': 'Day', text: day.date }),
        h('td', { 'data-label': 'That day', testid: 'usage-daily', text: cell(day.dailyStats) }),
        h('td', { 'data-label': '7 days', text: cell(day.weeklyStats) }),
        h('td', { 'data-label': '30 days', text: cell(day.monthlyStats) }))))));
  }).catch((error) => {
    body.replaceChildren(h('p', { class: 'hint', testid: 'usage-unavailable', text: `Usage is not available: ${error.message}` }));
  });
  return h('section', { 'aria-labelledby': 'usage-heading', testid: 'usage-section' },
    h('h2', { id: 'usage-heading', text: 'Usage' }), body);
}
