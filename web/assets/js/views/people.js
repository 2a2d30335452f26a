// Settings → People (administrators): teams (create, members, default roles) and users' roles.
// Every change goes through the API the original has (PUT /teams with CreateTeam, PATCH /users).

import { h, show } from '../dom.js';
import { api } from '../api.js';
import { adminOnly, picker, saving, selected } from './admin-parts.js';

const TEAM_TYPES = ['Group', 'Department', 'Division', 'BusinessUnit'];
const names = (refs) => (refs || []).map((r) => r.name);

function teamForm(teams, roles, redraw) {
  const name = h('input', { id: 'team-name', testid: 'team-name', required: true });
  const [typeLabel, type] = picker('team-type', 'Type', TEAM_TYPES.map((t) => [t, t]), ['Group'], { testid: 'team-type' });
  const parentChoices = teams.filter((t) => t.teamType !== 'Group').map((t) => [t.name, t.name]);
  const [parentLabel, parent] = picker('team-parent', 'Parent', parentChoices, ['Organization'], { testid: 'team-parent' });
  const [rolesLabel, defaultRoles] = picker('team-roles', 'Default roles', roles.map((r) => [r.name, r.name]), [], { multiple: true, testid: 'team-roles' });
  const form = h('form', { class: 'editor', testid: 'team-create' },
    h('label', { for: 'team-name', text: 'Name' }), name, typeLabel, type, parentLabel, parent, rolesLabel, defaultRoles,
    h('div', { class: 'actions' }, h('button', { type: 'submit', testid: 'team-create-submit', text: 'Create team' })));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = { name: name.value.trim(), teamType: type.value, parents: [parent.value], defaultRoles: selected(defaultRoles) };
    saving(() => api('/api/v1/teams', { method: 'POST', body }), `Team ${body.name} created.`, redraw);
  });
  return form;
}

function teamRow(team, users, redraw) {
  const members = names(team.users);
  const id = `team-add-${team.id}`;
  const others = users.filter((u) => !u.isBot && !members.includes(u.name)).map((u) => [u.id, u.name]);
  const [addLabel, add] = picker(id, `Add a member to ${team.name}`, [['', 'Choose a person'], ...others], [], { testid: 'team-add-member' });
  const addButton = h('button', { type: 'button', class: 'secondary', testid: 'team-add-member-submit', text: 'Add member' });
  addButton.addEventListener('click', () => {
    if (!add.value) return;
    const ids = [...(team.users || []).map((u) => u.id), add.value];
    const body = { name: team.name, teamType: team.teamType, parents: names(team.parents), defaultRoles: names(team.defaultRoles), users: ids };
    saving(() => api('/api/v1/teams', { method: 'PUT', body }), `Member added to ${team.name}.`, redraw);
  });
  return h('tr', { testid: 'team-row', 'data-team': team.name },
    h('td', { 'data-label': 'Team', text: team.name }),
    h('td', { 'data-label': 'Type', text: team.teamType }),
    h('td', { 'data-label': 'Members', testid: 'team-members', text: members.join(', ') }),
    h('td', { 'data-label': 'Default roles', testid: 'team-default-roles', text: names(team.defaultRoles).join(', ') }),
    h('td', { 'data-label': 'Add' }, team.teamType === 'Group' ? [addLabel, add, addButton] : null));
}

function userRow(user, roles, redraw) {
  const id = `user-roles-${user.id}`;
  const [label, select] = picker(id, `Roles of ${user.name}`, roles.map((r) => [r.name, r.name]), names(user.roles), { multiple: true, testid: 'user-roles' });
  const save = h('button', { type: 'button', class: 'secondary', testid: 'user-roles-save', text: 'Save roles' });
  save.addEventListener('click', () => {
    const value = selected(select).map((name) => ({ name, type: 'role' }));
    saving(() => api(`/api/v1/users/${user.id}`, { method: 'PATCH', body: [{ op: 'add', path: '/roles', value }] }), `Roles of ${user.name} saved.`, redraw);
  });
  return h('tr', { testid: 'user-row', 'data-user': user.name },
    h('td', { 'data-label': 'User', text: user.displayName || user.name }),
    h('td', { 'data-label': 'Email', text: user.email }),
    h('td', { 'data-label': 'Admin', text: user.isAdmin ? 'Yes' : 'No' }),
    h('td', { 'data-label': 'Roles' }, label, select, save));
}

export async function peopleView({ me }) {
  if (!adminOnly(me, 'People', 'people-forbidden')) return;
  show(h('h1', { text: 'People' }), h('p', { text: 'Loading…' }));
  const [teams, users, roles] = await Promise.all([
    api('/api/v1/teams?limit=1000'), api('/api/v1/users?limit=1000&fields=roles,teams'), api('/api/v1/roles?limit=1000'),
  ]);
  const redraw = () => peopleView({ me });
  const humans = (users?.data || []).filter((u) => !u.isBot);
  show(
    h('h1', { text: 'People' }),
    h('h2', { text: 'Teams' }),
    h('table', { testid: 'teams-table' },
      h('thead', {}, h('tr', {}, ['Team', 'Type', 'Members', 'Default roles', 'Add'].map((text) => h('th', { scope: 'col', text })))),
      h('tbody', {}, (teams?.data || []).map((t) => teamRow(t, humans, redraw)))),
    h('h3', { text: 'New team' }),
    teamForm(teams?.data || [], roles?.data || [], redraw),
    h('h2', { text: 'Users' }),
    h('table', { testid: 'users-table' },
      h('thead', {}, h('tr', {}, ['User', 'Email', 'Admin', 'Roles'].map((text) => h('th', { scope: 'col', text })))),
      h('tbody', {}, humans.map((u) => userRow(u, roles?.data || [], redraw)))),
  );
}
