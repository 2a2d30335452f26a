// Settings → Roles and policies (administrators): each role's policies, each policy's rules, and a
// rule's condition edited with the server's validator answering as one types.

import { h, show, status } from '../dom.js';
import { api, ApiError } from '../api.js';
import { adminOnly, saving } from './admin-parts.js';

const names = (refs) => (refs || []).map((r) => r.name).join(', ');

/** The validator's verdict on `text` ('' is no condition): null when it parses, else the reason. */
async function conditionProblem(text) {
  if (!text.trim()) return null;
  try {
    await api(`/api/v1/policies/validation/condition/${encodeURIComponent(text)}`);
    return null;
  } catch (error) {
    if (error instanceof ApiError && error.status === 400) return error.message;
    throw error;
  }
}

function ruleEditor(policy, index, redraw) {
  const rule = policy.rules[index];
  const id = `condition-${policy.id}-${index}`;
  const input = h('input', { id, testid: 'rule-condition', class: 'mono', value: rule.condition || '', autocomplete: 'off' });
  const verdict = h('p', { class: 'hint', testid: 'rule-condition-verdict', 'aria-live': 'polite' });
  const save = h('button', { type: 'button', class: 'secondary', testid: 'rule-condition-save', text: 'Save condition' });
  let latest = 0;
  const check = async () => {
    const asked = ++latest;
    const problem = await conditionProblem(input.value).catch((error) => error.message);
    if (asked !== latest) return; // an older answer arriving late
    verdict.textContent = problem ? `Not valid: ${problem}` : 'Valid.';
    verdict.className = problem ? 'hint error' : 'hint ok';
    save.disabled = Boolean(problem);
  };
  input.addEventListener('input', check);
  save.addEventListener('click', () => {
    const rules = policy.rules.map((r, i) => {
      const copy = { name: r.name, resources: r.resources, operations: r.operations, effect: r.effect };
      if (r.description) copy.description = r.description;
      const condition = i === index ? input.value.trim() : r.condition;
      if (condition) copy.condition = condition;
      return copy;
    });
    const body = { name: policy.name, description: policy.description, rules };
    saving(() => api('/api/v1/policies', { method: 'PUT', body }), `Policy ${policy.name} saved.`, redraw);
  });
  return h('li', { testid: 'policy-rule', 'data-rule': rule.name },
    h('strong', { text: rule.name }), ` — ${rule.effect} ${rule.operations.join(', ')} on ${rule.resources.join(', ')}`,
    h('div', { class: 'editor inline' }, h('label', { for: id, text: 'Condition' }), input, save), verdict);
}

export async function accessView({ me }) {
  if (!adminOnly(me, 'Roles and policies', 'access-forbidden')) return;
  show(h('h1', { text: 'Roles and policies' }), h('p', { text: 'Loading…' }));
  const [roles, policies] = await Promise.all([api('/api/v1/roles?limit=1000'), api('/api/v1/policies?limit=1000')]);
  const redraw = () => accessView({ me });
  show(
    h('h1', { text: 'Roles and policies' }),
    h('h2', { text: 'Roles' }),
    h('table', { testid: 'roles-table' },
      h('thead', {}, h('tr', {}, ['Role', 'Policies'].map((text) => h('th', { scope: 'col', text })))),
      h('tbody', {}, (roles?.data || []).map((role) => h('tr', { testid: 'role-row', 'data-role': role.name },
        h('td', { 'data-label': 'Role', text: role.name }), h('td', { 'data-label': 'Policies', text: names(role.policies) }))))),
    h('h2', { text: 'Policies' }),
    ...(policies?.data || []).map((policy) => h('section', { testid: 'policy', 'data-policy': policy.name },
      h('h3', { text: policy.name }),
      policy.description && h('p', { class: 'hint', text: policy.description }),
      h('ul', {}, (policy.rules || []).map((_, i) => ruleEditor(policy, i, redraw))))),
  );
  status('');
}
