// Shared by the admin pages: the "admins only" answer, and running a save with its status line.

import { h, show, status } from '../dom.js';
import { reportError } from '../api.js';

/** True when `me` is an admin; otherwise shows why the page is empty. */
export function adminOnly(me, title, testid) {
  if (me?.isAdmin) return true;
  show(h('h1', { text: title }), h('p', { class: 'message', testid, text: `Only administrators can manage ${title.toLowerCase()}.` }));
  return false;
}

/** Runs `work`, then says `done` and draws the page again with `redraw`; a failure is reported. */
export async function saving(work, done, redraw) {
  try {
    await work();
    status(done, 'ok');
    await redraw();
  } catch (error) {
    reportError(error);
  }
}

/** A labelled <select> (multiple when asked) of `choices` ([value, text]) with `chosen` selected. */
export function picker(id, labelText, choices, chosen = [], { multiple = false, testid } = {}) {
  const select = h('select', { id, testid, multiple },
    choices.map(([value, text]) => h('option', { value, text, selected: chosen.includes(value) })));
  return [h('label', { for: id, text: labelText }), select];
}

export const selected = (select) => [...select.selectedOptions].map((o) => o.value).filter(Boolean);
