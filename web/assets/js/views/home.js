// Home: who you are, as the server sees you, and when your sign-in expires.

import { h, show, onLeave } from '../dom.js';
import { claims, nowSeconds } from '../jwt.js';
import * as session from '../session.js';

function names(list) {
  return list?.length ? list.map((r) => r.displayName || r.name).join(', ') : 'None';
}

function duration(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h ? `${h} h ${m} min` : m ? `${m} min ${s} s` : `${s} s`;
}

export function homeView({ me }) {
  const expiry = h('dd', { testid: 'home-expiry' });
  const tick = () => {
    // Read the token each time: renewal replaces it while the page is open.
    const exp = claims(session.idToken() || '')?.exp;
    if (typeof exp !== 'number') {
      expiry.textContent = 'No expiry';
      return;
    }
    expiry.dataset.exp = String(exp);
    const left = exp - nowSeconds();
    expiry.textContent = left > 0 ? `${new Date(exp * 1000).toLocaleString()} (in ${duration(left)})` : 'Expired';
  };
  tick();

  const fact = (label, testid, value) => [h('dt', { text: label }), h('dd', { testid, text: value })];
  show(
    h('h1', { text: `Welcome, ${me.displayName || me.name}` }),
    h(
      'dl',
      { class: 'facts' },
      fact('User name', 'home-name', me.name),
      fact('Display name', 'home-display-name', me.displayName || '\u2014'),
      fact('Email', 'home-email', me.email),
      fact('Administrator', 'home-admin', me.isAdmin ? 'Yes' : 'No'),
      fact('Roles', 'home-roles', names(me.roles)),
      fact('Teams', 'home-teams', names(me.teams)),
      h('dt', { text: 'Sign-in expires' }),
      expiry,
    ),
  );
  // After show(): it stops the previous view's timers, which would include this one.
  const timer = window.setInterval(tick, 1000);
  onLeave(() => window.clearInterval(timer));
}
