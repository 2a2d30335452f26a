// Editing on the table page: the description (Markdown with a preview), tags of the table and of
// each column (a picker of classifications and their tags), and owners (a user or a team). Each
// control is shown only when the permissions API says the signed-in user may use it; every save
// is a JSON Patch, and the page is drawn again from the server's answer.

import { h, status } from '../dom.js';
import { api, reportError } from '../api.js';
import { markdown } from '../markdown.js';

/** What the signed-in user may do to this table: { description, tags, owners } as booleans. */
export async function tablePermissions(fqn) {
  const answer = await api(`/api/v1/permissions/table/name/${encodeURIComponent(fqn)}`);
  const allowed = new Set((answer?.permissions || []).filter((p) => p.access === 'allow').map((p) => p.operation));
  const may = (operation) => allowed.has(operation) || allowed.has('EditAll') || allowed.has('All');
  return { description: may('EditDescription'), tags: may('EditTags'), owners: may('EditOwners') };
}

async function patchTable(table, operations, done) {
  try {
    await api(`/api/v1/tables/${table.id}`, { method: 'PATCH', body: operations });
    status('Saved.', 'success');
    await done();
  } catch (error) {
    reportError(error);
  }
}

function editorButtons(prefix, onSave, onCancel) {
  return h('div', { class: 'actions' },
    h('button', { type: 'submit', testid: `${prefix}-save`, 'aria-label': 'Save', text: 'Save', onclick: onSave }),
    h('button', { type: 'button', class: 'secondary', testid: `${prefix}-cancel`, 'aria-label': 'Cancel', text: 'Cancel', onclick: onCancel }));
}

/** The description, shown as Markdown; with the right, an editor with a live preview. */
export function descriptionSection(table, may, reload) {
  const shown = h('div', { class: 'description markdown', testid: 'table-description' }, markdown(table.description));
  const section = h('section', { 'aria-labelledby': 'description-heading' }, h('h2', { id: 'description-heading', text: 'Description' }), shown);
  if (!may) return section;
  const edit = h('button', { type: 'button', class: 'secondary', testid: 'table-description-edit', text: 'Edit description' });
  edit.addEventListener('click', () => {
    const input = h('textarea', { id: 'table-description-input', testid: 'table-description-input', rows: 8 });
    input.value = table.description || '';
    const preview = h('div', { class: 'markdown preview', testid: 'table-description-preview', 'aria-live': 'polite' }, markdown(input.value));
    input.addEventListener('input', () => preview.replaceChildren(...markdown(input.value)));
    const form = h('form', { class: 'editor', testid: 'table-description-form' },
      h('label', { for: 'table-description-input', text: 'Description (Markdown)' }), input,
      h('p', { class: 'hint', text: 'Preview' }), preview,
      editorButtons('table-description',
        (event) => { event.preventDefault(); patchTable(table, [{ op: 'add', path: '/description', value: input.value }], reload); },
        () => form.replaceWith(edit)));
    edit.replaceWith(form);
    input.focus();
  });
  section.append(edit);
  return section;
}

let tagChoices = null;

/** Every tag of every classification, grouped, for the pickers (fetched once per page load). */
async function allTags() {
  if (!tagChoices) {
    const answer = await api('/api/v1/tags?limit=1000');
    const byClassification = new Map();
    for (const tag of answer?.data || []) {
      const group = tag.classification?.name || '';
      if (!byClassification.has(group)) byClassification.set(group, []);
      byClassification.get(group).push(tag);
    }
    tagChoices = byClassification;
  }
  return tagChoices;
}

const labelOf = (fqn) => ({ tagFQN: fqn, source: 'Classification', labelType: 'Manual', state: 'Confirmed' });

/**
 * A list of tag labels (of the table, or of one column at JSON pointer `pointer`), each with a
 * remove button, and an "Add tag" picker, when `may`.
 */
export function tagList(table, labels, pointer, prefix, may, reload) {
  const current = (labels || []).map((l) => l.tagFQN);
  const save = (fqns) => patchTable(table, [{ op: 'add', path: pointer, value: fqns.map(labelOf) }], reload);
  const items = current.map((fqn) => h('li', { class: 'tag', testid: `${prefix}-tag`, 'data-tag': fqn },
    h('span', { text: fqn }),
    may && h('button', { type: 'button', class: 'link', testid: `${prefix}-tag-remove`, 'aria-label': `Remove tag ${fqn}`, text: '×',
      onclick: () => save(current.filter((f) => f !== fqn)) })));
  const holder = h('div', { class: 'tags', testid: `${prefix}-tags` }, h('ul', { class: 'tag-list' }, items));
  if (!may) return holder;
  const add = h('button', { type: 'button', class: 'secondary', testid: `${prefix}-tags-add`, text: 'Add tag', 'aria-label': 'Add tag' });
  add.addEventListener('click', async () => {
    let groups;
    try {
      groups = await allTags();
    } catch (error) {
      reportError(error);
      return;
    }
    const id = `${prefix}-tags-input-${Math.random().toString(36).slice(2)}`;
    const select = h('select', { id, testid: `${prefix}-tags-input` },
      h('option', { value: '', text: 'Choose a tag' }),
      [...groups].map(([group, tags]) => h('optgroup', { label: group },
        tags.filter((t) => !current.includes(t.fullyQualifiedName)).map((t) => h('option', { value: t.fullyQualifiedName, text: t.fullyQualifiedName })))));
    const form = h('form', { class: 'editor inline' },
      h('label', { for: id, text: 'Tag' }), select,
      editorButtons(`${prefix}-tags`,
        (event) => {
          event.preventDefault();
          if (select.value) save([...current, select.value]);
          else status('Choose a tag first.', 'error');
        },
        () => form.replaceWith(add)));
    add.replaceWith(form);
    select.focus();
  });
  holder.append(add);
  return holder;
}

/** The owners, and with the right a picker of users and Group teams. */
export function ownersSection(table, may, reload) {
  const owners = table.owners || [];
  const list = h('ul', { class: 'owner-list', testid: 'table-owners' },
    owners.length ? owners.map((o) => h('li', { testid: 'table-owner', 'data-owner': o.name, text: `${o.displayName || o.name} (${o.type})` }))
      : h('li', { class: 'hint', text: 'No owner' }));
  const section = h('section', { 'aria-labelledby': 'owners-heading' }, h('h2', { id: 'owners-heading', text: 'Owners' }), list);
  if (!may) return section;
  const edit = h('button', { type: 'button', class: 'secondary', testid: 'table-owners-edit', text: 'Edit owners' });
  edit.addEventListener('click', async () => {
    let users;
    let teams;
    try {
      [users, teams] = await Promise.all([api('/api/v1/users?limit=1000'), api('/api/v1/teams?limit=1000')]);
    } catch (error) {
      reportError(error);
      return;
    }
    const option = (type, e) => h('option', { value: `${type}:${e.id}`, text: e.displayName || e.name, selected: owners.some((o) => o.id === e.id) });
    const select = h('select', { id: 'table-owners-input', testid: 'table-owners-input' },
      h('option', { value: '', text: 'No owner' }),
      h('optgroup', { label: 'Users' }, (users?.data || []).filter((u) => !u.isBot).map((u) => option('user', u))),
      h('optgroup', { label: 'Teams' }, (teams?.data || []).filter((t) => t.teamType === 'Group').map((t) => option('team', t))));
    const form = h('form', { class: 'editor' },
      h('label', { for: 'table-owners-input', text: 'Owner' }), select,
      editorButtons('table-owners',
        (event) => {
          event.preventDefault();
          const [type, id] = select.value.split(':');
          patchTable(table, [{ op: 'add', path: '/owners', value: select.value ? [{ id, type }] : [] }], reload);
        },
        () => form.replaceWith(edit)));
    edit.replaceWith(form);
    select.focus();
  });
  section.append(edit);
  return section;
}
