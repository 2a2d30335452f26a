// A table's page: its facts, description, owners and tags, columns (nested children indented, each
// with its tags), constraints and, for a view, its definition; then its lineage and usage
// (table-lineage.js). Editing: table-edit.js.

import { h, show } from '../dom.js';
import { api } from '../api.js';
import { byNamePath } from '../catalog-links.js';
import { breadcrumbs, label, searchBox } from '../catalog-parts.js';
import { descriptionSection, ownersSection, tablePermissions, tagList } from './table-edit.js';
import { lineageSection, usageSection } from './table-lineage.js';
import { queriesSection } from './table-queries.js';

const MAX_DEPTH = 6; // deeper children are indented as much as level 6 (CSS classes depth-0..6)

function dataType(column) {
  if (column.dataTypeDisplay) return column.dataTypeDisplay;
  const length = column.dataLength && ['VARCHAR', 'CHAR', 'BINARY', 'VARBINARY'].includes(column.dataType) ? `(${column.dataLength})` : '';
  return `${column.dataType || ''}${length}`;
}

const CONSTRAINT_TEXT = { PRIMARY_KEY: 'Primary key', UNIQUE: 'Unique', NOT_NULL: 'Not null', NULL: 'Nullable', FOREIGN_KEY: 'Foreign key', SORT_KEY: 'Sort key', DIST_KEY: 'Distribution key' };
const constraintText = (type) => CONSTRAINT_TEXT[type] || type;

/** Per top-level column name: the table constraints it takes part in, as text. */
function tableConstraintsByColumn(constraints) {
  const byColumn = new Map();
  for (const c of constraints || []) {
    const referred = c.referredColumns?.length ? ` → ${c.referredColumns.join(', ')}` : '';
    for (const name of c.columns || []) {
      const list = byColumn.get(name) || [];
      list.push(`${constraintText(c.constraintType)}${referred}`);
      byColumn.set(name, list);
    }
  }
  return byColumn;
}

/** One row per column, depth first; `edit` = { table, may, reload } draws each column's tags. */
function columnRows(columns, depth, byColumn, edit, pointer = '/columns', rows = []) {
  for (const [index, column] of (columns || []).entries()) {
    const at = `${pointer}/${index}`;
    const constraints = [];
    if (column.constraint) constraints.push(constraintText(column.constraint));
    if (depth === 0) constraints.push(...(byColumn.get(column.name) || []));
    rows.push(h('tr', { testid: 'column-row', 'data-column-fqn': column.fullyQualifiedName, 'data-depth': String(depth) },
      h('td', { 'data-label': 'Column', class: `column-name depth-${Math.min(depth, MAX_DEPTH)}`, testid: 'column-name', text: label(column) }),
      h('td', { 'data-label': 'Data type', testid: 'column-type', class: 'mono', text: dataType(column) }),
      h('td', { 'data-label': 'Constraints', testid: 'column-constraints', text: constraints.join('; ') }),
      h('td', { 'data-label': 'Description', testid: 'column-description', class: 'description', text: column.description || '' }),
      h('td', { 'data-label': 'Tags', testid: 'column-tags-cell' }, tagList(edit.table, column.tags, `${at}/tags`, 'column', edit.may, edit.reload))));
    columnRows(column.children, depth + 1, byColumn, edit, `${at}/children`, rows);
  }
  return rows;
}

function constraintList(constraints) {
  if (!constraints?.length) return null;
  return [
    h('h2', { text: 'Table constraints' }),
    h('ul', { testid: 'table-constraints' }, constraints.map((c) => h('li', { testid: 'table-constraint',
      text: `${constraintText(c.constraintType)} (${(c.columns || []).join(', ')})${c.referredColumns?.length ? ` → ${c.referredColumns.join(', ')}` : ''}` }))),
  ];
}

/** Whatever the permissions API cannot answer shows no edit control. */
async function permissionsOf(fqn) {
  try {
    return await tablePermissions(fqn);
  } catch {
    return { description: false, tags: false, owners: false };
  }
}

export async function tableView(fqn) {
  show(h('h1', { text: 'Table' }), h('p', { text: 'Loading…' }));
  const [table, may] = await Promise.all([
    api(byNamePath('table', fqn, { fields: 'columns,tableConstraints,schemaDefinition,tags,owners' })),
    permissionsOf(fqn),
  ]);
  const reload = () => tableView(fqn);
  const fact = (text, testid, value) => value ? [h('dt', { text }), h('dd', { testid, text: value })] : [];
  show(h('div', { class: 'catalog' },
    breadcrumbs(table),
    h('h1', { testid: 'table-name', text: label(table) }),
    searchBox(),
    h('dl', { class: 'facts' },
      fact('Fully qualified name', 'table-fqn', table.fullyQualifiedName),
      fact('Type', 'table-type', table.tableType),
      fact('Version', 'table-version', String(table.version ?? ''))),
    descriptionSection(table, may.description, reload),
    ownersSection(table, may.owners, reload),
    h('section', { 'aria-labelledby': 'tags-heading' }, h('h2', { id: 'tags-heading', text: 'Tags' }),
      tagList(table, table.tags, '/tags', 'table', may.tags, reload)),
    h('h2', { text: `Columns (${table.columns?.length ?? 0})` }),
    h('table', { testid: 'columns-table' },
      h('thead', {}, h('tr', {}, ['Column', 'Data type', 'Constraints', 'Description', 'Tags'].map((text) => h('th', { scope: 'col', text })))),
      h('tbody', {}, columnRows(table.columns, 0, tableConstraintsByColumn(table.tableConstraints), { table, may: may.tags, reload }))),
    constraintList(table.tableConstraints),
    table.schemaDefinition && [
      h('h2', { text: 'View definition' }),
      h('pre', { class: 'code', testid: 'table-schema-definition', text: table.schemaDefinition }),
    ],
    lineageSection(table),
    usageSection(table),
    queriesSection(table),
  ));
}
