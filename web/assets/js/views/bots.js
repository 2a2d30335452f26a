// Settings → Bots (administrators): reveal, copy, regenerate and revoke each bot's token.

import { h, show, status } from '../dom.js';
import { api, reportError } from '../api.js';
import { confirmAction } from '../confirm.js';
import { copyFrom } from '../clipboard.js';
import { expirySelect, describeExpiry } from '../expiry.js';

function botRow(bot) {
  const userId = bot.botUser?.id;
  const label = bot.displayName || bot.name;
  const tokenId = `bot-token-${bot.id}`;
  const token = h('input', { id: tokenId, class: 'token', type: 'text', readonly: true, testid: 'bot-token', placeholder: 'Hidden' });
  const expiry = h('p', { class: 'hint', testid: 'bot-token-expiry' });
  const copy = h('button', { type: 'button', class: 'secondary', testid: 'bot-copy', disabled: true }, 'Copy');
  const fill = (mechanism) => {
    token.value = mechanism?.JWTToken || '';
    token.placeholder = token.value ? '' : 'No token';
    copy.disabled = !token.value;
    expiry.textContent = token.value ? describeExpiry(mechanism.JWTTokenExpiresAt) : 'This bot has no token.';
  };
  const act = (fn) => async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      await fn();
    } catch (error) {
      reportError(error);
    } finally {
      button.disabled = false;
    }
  };
  const reveal = h('button', { type: 'button', class: 'secondary', testid: 'bot-reveal' }, 'Reveal token');
  reveal.addEventListener('click', act(async () => {
    fill(await api(`/api/v1/users/token/${encodeURIComponent(userId)}`));
    status(`Token of ${label} shown.`, 'ok');
  }));
  copy.addEventListener('click', () => copyFrom(token));
  const [expiryLabel, expiryChoice] = expirySelect({ id: `bot-expiry-${bot.id}`, testid: 'bot-expiry', label: 'New token expires in' });
  const regenerate = h('button', { type: 'button', testid: 'bot-regenerate' }, 'Regenerate');
  regenerate.addEventListener('click', act(async () => {
    if (!(await confirmAction(`Regenerate the token of ${label}? Its current token stops working at once.`, 'Regenerate'))) return;
    fill(await api(`/api/v1/users/generateToken/${encodeURIComponent(userId)}`, { method: 'PUT', body: { JWTTokenExpiry: expiryChoice.value } }));
    status(`New token for ${label}. The previous one no longer works.`, 'ok');
  }));
  const revoke = h('button', { type: 'button', class: 'danger', testid: 'bot-revoke' }, 'Revoke');
  revoke.addEventListener('click', act(async () => {
    if (!(await confirmAction(`Revoke the token of ${label}? Anything using it stops working.`, 'Revoke'))) return;
    await api('/api/v1/users/revokeToken', { method: 'PUT', body: { id: userId } });
    fill(null);
    status(`Token of ${label} revoked.`, 'ok');
  }));
  return h(
    'tr',
    { testid: 'bot-row', 'data-bot-name': bot.name, 'data-bot-user-id': userId },
    h('td', { 'data-label': 'Bot' }, h('strong', { text: label }), bot.description && h('p', { class: 'hint', text: bot.description })),
    h('td', { 'data-label': 'Token' }, h('label', { for: tokenId, class: 'visually-hidden', text: `Token of ${label}` }), token, expiry),
    h('td', { 'data-label': 'Actions' }, h('div', { class: 'actions' }, reveal, copy), expiryLabel, expiryChoice, h('div', { class: 'actions' }, regenerate, revoke)),
  );
}

export async function botsView({ me }) {
  if (!me.isAdmin) {
    show(h('h1', { text: 'Bots' }), h('p', { class: 'message', testid: 'bots-forbidden', text: 'Only administrators can manage bots.' }));
    return;
  }
  show(h('h1', { text: 'Bots' }), h('p', { text: 'Loading bots…' }));
  const page = await api('/api/v1/bots?limit=1000');
  const rows = (page?.data || []).map(botRow);
  show(
    h('h1', { text: 'Bots' }),
    h('p', { class: 'hint', text: 'Bot tokens are Tessera-issued JWTs for ingestion and other automation. Regenerating or revoking a token takes effect at once.' }),
    rows.length
      ? h(
          'table',
          { testid: 'bots-table' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Bot' }), h('th', { scope: 'col', text: 'Token' }), h('th', { scope: 'col', text: 'Actions' }))),
          h('tbody', {}, rows),
        )
      : h('p', { testid: 'bots-table', text: 'There are no bots.' }),
  );
}
