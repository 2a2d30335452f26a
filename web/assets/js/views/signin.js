// The sign-in page: one button to the provider, and why the user is here (expired, refused).

import { h, show, status } from '../dom.js';
import { providerLabel } from '../config.js';
import * as auth from '../auth.js';
import * as session from '../session.js';
import { signOutButton } from './problem.js';

export function signinView(config) {
  const notice = session.takeNotice();
  const button = h('button', { type: 'button', testid: 'signin-button' }, `Sign in with ${providerLabel(config)}`);
  button.addEventListener('click', async () => {
    button.disabled = true;
    status('Taking you to the sign-in page…');
    try {
      await auth.signIn();
    } catch (error) {
      button.disabled = false;
      status(error.message, 'error');
    }
  });
  show(
    h('h1', { text: 'Sign in to Tessera' }),
    notice && h('p', { class: 'message', testid: 'signin-message', text: notice }),
    h('p', { text: 'Tessera uses your organisation\u2019s single sign-on.' }),
    // After a refusal, signing in again would reuse the provider's session: offer to end it.
    h('div', { class: 'actions' }, button, notice && signOutButton()),
  );
}
