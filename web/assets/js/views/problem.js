// Pages that stop the user with a message: refused (403), configuration or callback failures.

import { h, show } from '../dom.js';
import * as auth from '../auth.js';

export function signOutButton() {
  return h('button', { type: 'button', class: 'secondary', testid: 'signout-button', onclick: () => auth.signOut() }, 'Sign out');
}

export function problemView({ title, message, testid = 'error-message', signOut = true }) {
  show(
    h('h1', { text: title }),
    h('p', { class: 'message error', testid, role: 'alert', text: message }),
    signOut && h('div', { class: 'actions' }, signOutButton()),
  );
}
