// The token lifetimes the server accepts (`JWTTokenExpiry`), as a labelled <select>.

import { h } from './dom.js';

const CHOICES = [
  ['OneHour', '1 hour'],
  ['1', '1 day'],
  ['7', '7 days'],
  ['30', '30 days'],
  ['60', '60 days'],
  ['90', '90 days'],
  ['Unlimited', 'Never expires'],
];

export function expirySelect({ id, testid, label, selected = '30' }) {
  const select = h(
    'select',
    { id, testid },
    CHOICES.map(([value, text]) => h('option', { value, selected: value === selected }, text)),
  );
  return [h('label', { for: id, text: label }), select];
}

/** "Expires <date>" for epoch milliseconds, or "Never expires". */
export function describeExpiry(ms) {
  return typeof ms === 'number' && ms > 0 ? `Expires ${new Date(ms).toLocaleString()}` : 'Never expires';
}
