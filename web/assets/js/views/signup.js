// First sign-in: loggedInUser said 404, so create the account (POST /api/v1/users) from the
// token's claims. The name must be the one the server derives, so it is not editable.

import { h, show, status } from '../dom.js';
import { api, reportError } from '../api.js';
import { claims } from '../jwt.js';
import { principal, nameFromNotFound } from '../principal.js';
import * as session from '../session.js';
import { signOutButton } from './problem.js';

function field(id, label, attrs) {
  return [h('label', { for: id, text: label }), h('input', { id, name: id, ...attrs })];
}

export function signupView({ config, notFoundMessage, onCreated }) {
  const c = claims(session.idToken() || '') || {};
  const derived = principal(c, config);
  const name = nameFromNotFound(notFoundMessage) || derived.name;
  if (!config.enableSelfSignup) {
    show(
      h('h1', { text: 'No account yet' }),
      h('p', {
        class: 'message error',
        testid: 'signup-disabled',
        text: `There is no Tessera account for \u201c${name}\u201d and self sign-up is turned off. Ask an administrator to create it.`,
      }),
      h('div', { class: 'actions' }, signOutButton()),
    );
    return;
  }
  const [nameLabel, nameInput] = field('signup-name', 'User name', { testid: 'signup-name', value: name, readonly: true, autocomplete: 'username' });
  const [emailLabel, emailInput] = field('signup-email', 'Email', { testid: 'signup-email', type: 'email', value: derived.email, readonly: true, autocomplete: 'email' });
  const [displayLabel, displayInput] = field('signup-display-name', 'Display name', {
    testid: 'signup-display-name',
    value: typeof c.name === 'string' ? c.name : '',
    autocomplete: 'name',
  });
  const submit = h('button', { type: 'submit', testid: 'signup-submit' }, 'Create my account');
  const form = h(
    'form',
    { testid: 'signup-form', 'aria-describedby': 'signup-hint' },
    nameLabel, nameInput,
    emailLabel, emailInput,
    displayLabel, displayInput,
    h('div', { class: 'actions' }, submit, signOutButton()),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    status('Creating your account…');
    const body = { name: nameInput.value, email: emailInput.value };
    if (displayInput.value.trim()) body.displayName = displayInput.value.trim();
    try {
      await api('/api/v1/users', { method: 'POST', body });
      status('Your account is ready.', 'ok');
      await onCreated();
    } catch (error) {
      submit.disabled = false;
      reportError(error);
    }
  });
  show(
    h('h1', { text: 'Create your account' }),
    h('p', { id: 'signup-hint', text: 'This is your first sign-in to Tessera. Check your details and create your account.' }),
    form,
  );
}
