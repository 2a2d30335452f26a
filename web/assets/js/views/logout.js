// /logout: where the provider (or Tessera's server flow) lands after signing out.

import { h, show } from '../dom.js';
import * as auth from '../auth.js';
import * as session from '../session.js';

export function logoutView() {
  session.clearTokens();
  show(
    h('h1', { text: 'Signed out' }),
    h('p', { class: 'message', testid: 'signed-out-message', text: 'You are signed out.' }),
    h('div', { class: 'actions' }, h('button', { type: 'button', testid: 'signin-button', onclick: () => auth.signIn('/') }, 'Sign in')),
  );
}
