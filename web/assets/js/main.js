// Start-up and page rendering: read the configuration, make sure the user is signed in and
// known to Tessera, then render the page for the current path.

import { loadConfig, isConfidential, keepsPasswords, usesPasswords } from './config.js';
import * as auth from './auth.js';
import { api, ApiError, reportError } from './api.js';
import * as router from './router.js';
import { h, clearStatus } from './dom.js';
import * as session from './session.js';
import { signinView } from './views/signin.js';
import { callbackView } from './views/callback.js';
import { logoutView } from './views/logout.js';
import { signupView } from './views/signup.js';
import { homeView } from './views/home.js';
import { botsView } from './views/bots.js';
import { peopleView } from './views/people.js';
import { accessView } from './views/access.js';
import { tokensView } from './views/tokens.js';
import { problemView } from './views/problem.js';
import { catalogView } from './views/catalog.js';
import { changePasswordView, passwordSigninView, passwordSignupView } from './views/password-forms.js';

const SIGNED_IN_PAGES = {
  '/': homeView,
  '/catalog': catalogView,
  '/settings/bots': botsView,
  '/settings/tokens': tokensView,
  '/settings/password': changePasswordView,
  '/settings/people': peopleView,
  '/settings/access': accessView,
};

let config;
let me = null;

function renderNav(path) {
  const nav = document.getElementById('nav');
  if (!me) {
    nav.replaceChildren();
    return;
  }
  const link = (href, text, testid) => h('a', { href, testid, 'aria-current': href === path ? 'page' : null, text });
  // Links a user may not use are left out (a bare `false` would show as text).
  nav.replaceChildren(...[
    link('/', 'Home', 'nav-home'),
    link('/catalog', 'Catalog', 'nav-catalog'),
    me.isAdmin && link('/settings/bots', 'Bots', 'nav-bots'),
    me.isAdmin && link('/settings/people', 'People', 'nav-people'),
    me.isAdmin && link('/settings/access', 'Roles and policies', 'nav-access'),
    link('/settings/tokens', 'Access tokens', 'nav-tokens'),
    keepsPasswords(config) && link('/settings/password', 'Password', 'nav-password'),
    h('button', { type: 'button', class: 'secondary', testid: 'signout-button', onclick: () => auth.signOut() }, 'Sign out'),
  ].filter(Boolean));
}

/** The signed-in user, or null when a page (sign-up, refusal, sign-in) was shown instead. */
async function loadUser(path) {
  try {
    return await api('/api/v1/users/loggedInUser');
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 404) {
      if (path !== '/signup') window.history.replaceState(null, '', '/signup');
      signupView({ config, notFoundMessage: error.message, onCreated: () => router.navigate('/', { replace: true }) });
    } else if (error.status === 403) {
      problemView({ title: 'Access refused', message: error.message, testid: 'forbidden-message' });
    } else {
      reportError(error);
    }
    return null;
  }
}

async function render() {
  clearStatus();
  const path = window.location.pathname;
  if (path === '/callback' || path === '/auth/callback') {
    me = null;
    renderNav(path);
    return callbackView({ config, navigate: router.navigate, serverFlow: path === '/auth/callback' });
  }
  if (path === '/logout' || path === '/signin') {
    me = null;
    renderNav(path);
    if (path === '/logout') return logoutView();
    if (auth.currentToken()) return router.navigate('/', { replace: true });
    return usesPasswords(config) ? passwordSigninView(config, router.navigate) : signinView(config);
  }
  if (path === '/signup' && keepsPasswords(config) && !auth.currentToken()) {
    me = null;
    renderNav(path);
    return passwordSignupView(config, router.navigate);
  }
  if (!auth.currentToken() && !(await auth.renew())) {
    session.setReturnTo(path + window.location.search);
    return router.navigate('/signin', { replace: true });
  }
  auth.scheduleRenewal();
  me = me ?? (await loadUser(path));
  renderNav(path);
  if (!me) return undefined;
  if (path === '/signup') return router.navigate('/', { replace: true });
  const view = SIGNED_IN_PAGES[path] || SIGNED_IN_PAGES['/'];
  try {
    return await view({ config, me });
  } catch (error) {
    return reportError(error);
  }
}

async function boot() {
  try {
    config = await loadConfig();
  } catch (error) {
    problemView({ title: 'Tessera is unavailable', message: `Cannot read the sign-in configuration: ${error.message}`, signOut: false });
    return;
  }
  // sessionStorage belongs to one origin: the sign-in must start where the callback will land.
  if (!isConfidential(config) && config.callbackUrl && window.location.pathname !== '/callback') {
    try {
      const target = new URL(config.callbackUrl).origin;
      if (target !== window.location.origin) {
        window.location.replace(target + window.location.pathname + window.location.search);
        return;
      }
    } catch {
      // A malformed callback URL: the sign-in will report it.
    }
  }
  auth.init(config);
  router.start(render);
  await render();
}

boot();
