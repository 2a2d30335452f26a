// /callback (public client) and /auth/callback (confidential): finish the sign-in, then go back
// to where the user was.

import { h, show } from '../dom.js';
import * as oidc from '../oidc.js';
import * as confidential from '../confidential.js';
import * as session from '../session.js';

export async function callbackView({ config, navigate, serverFlow }) {
  show(h('h1', { text: 'Signing you in…' }));
  try {
    if (serverFlow) confidential.finishSignIn();
    else await oidc.finishSignIn(config);
  } catch (error) {
    session.clearTokens();
    show(
      h('h1', { text: 'Sign-in failed' }),
      h('p', { class: 'message error', testid: 'error-message', role: 'alert', text: error.message }),
      h('div', { class: 'actions' }, h('button', { type: 'button', testid: 'signin-button', onclick: () => navigate('/signin') }, 'Sign in again')),
    );
    return;
  }
  session.resetRenewals();
  await navigate(session.takeReturnTo(), { replace: true });
}
