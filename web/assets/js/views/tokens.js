// Settings → Access tokens: the user's personal access tokens; a new token is shown once.

import { h, show, status } from '../dom.js';
import { api, reportError } from '../api.js';
import { confirmAction } from '../confirm.js';
import { copyFrom } from '../clipboard.js';
import { expirySelect, describeExpiry } from '../expiry.js';

const BASE = '/api/v1/users/security/token';

export async function tokensView({ me }) {
  if (me.isBot) {
    show(h('h1', { text: 'Access tokens' }), h('p', { class: 'message', text: 'Bots cannot have personal access tokens.' }));
    return;
  }
  const tbody = h('tbody');
  const table = h(
    'table',
    { testid: 'pat-table' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Name' }), h('th', { scope: 'col', text: 'Expiry' }), h('th', { scope: 'col', text: 'Actions' }))),
    tbody,
  );
  const empty = h('p', { class: 'hint', text: 'You have no personal access tokens.' });

  const render = (tokens) => {
    tbody.replaceChildren(...tokens.map(row));
    table.hidden = tokens.length === 0;
    empty.hidden = tokens.length !== 0;
  };
  const row = (t) => {
    const revoke = h('button', { type: 'button', class: 'danger', testid: 'pat-revoke' }, 'Revoke');
    revoke.addEventListener('click', async () => {
      if (!(await confirmAction(`Revoke the token \u201c${t.tokenName}\u201d? Anything using it stops working.`, 'Revoke'))) return;
      revoke.disabled = true;
      try {
        const left = await api(`${BASE}/revoke`, { method: 'PUT', body: { tokenIds: [t.token] } });
        render(left?.data || []);
        status(`Token \u201c${t.tokenName}\u201d revoked.`, 'ok');
      } catch (error) {
        revoke.disabled = false;
        reportError(error);
      }
    });
    return h(
      'tr',
      { testid: 'pat-row', 'data-token-id': t.token },
      h('td', { 'data-label': 'Name', text: t.tokenName || '(unnamed)' }),
      h('td', { 'data-label': 'Expiry', text: describeExpiry(t.expiryDate) }),
      h('td', { 'data-label': 'Actions' }, revoke),
    );
  };

  // The new token, shown once.
  const newToken = h('input', { id: 'pat-new-token', class: 'token', type: 'text', readonly: true, testid: 'pat-new-token' });
  const copy = h('button', { type: 'button', class: 'secondary', testid: 'pat-copy', onclick: () => copyFrom(newToken) }, 'Copy');
  const created = h(
    'section',
    { 'aria-labelledby': 'pat-new-heading', hidden: true },
    h('h2', { id: 'pat-new-heading', text: 'Your new token' }),
    h('p', { class: 'hint', text: 'Copy it now: it will not be shown again.' }),
    h('label', { for: 'pat-new-token', class: 'visually-hidden', text: 'New token' }),
    newToken,
    h('div', { class: 'actions' }, copy),
  );

  const name = h('input', { id: 'pat-name', testid: 'pat-name', required: true, maxlength: 100, autocomplete: 'off' });
  const [expiryLabel, expiry] = expirySelect({ id: 'pat-expiry', testid: 'pat-expiry', label: 'Expires in' });
  const submit = h('button', { type: 'submit', testid: 'pat-submit' }, 'Create token');
  const form = h('form', { testid: 'pat-form' }, h('label', { for: 'pat-name', text: 'Token name' }), name, expiryLabel, expiry, h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      const token = await api(BASE, { method: 'PUT', body: { JWTTokenExpiry: expiry.value, tokenName: name.value.trim() } });
      newToken.value = token?.jwtToken || '';
      created.hidden = false;
      name.value = '';
      status(`Token \u201c${token?.tokenName}\u201d created. Copy it now.`, 'ok');
      newToken.focus();
      newToken.select();
      render((await api(BASE))?.data || []);
    } catch (error) {
      reportError(error);
    } finally {
      submit.disabled = false;
    }
  });

  show(h('h1', { text: 'Access tokens' }), h('p', { text: 'Loading…' }));
  const list = await api(BASE);
  show(
    h('h1', { text: 'Access tokens' }),
    h('p', { class: 'hint', text: 'Personal access tokens let scripts call the API as you.' }),
    h('h2', { text: 'New token' }),
    form,
    created,
    h('h2', { text: 'Your tokens' }),
    empty,
    table,
  );
  render(list?.data || []);
}
