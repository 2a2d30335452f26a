// An accessible confirmation (native <dialog>: focus trapped, Escape cancels) instead of
// window.confirm, which browsers and tests handle inconsistently.

import { h } from './dom.js';

export function confirmAction(message, confirmLabel = 'Confirm') {
  return new Promise((resolve) => {
    const cancel = h('button', { type: 'button', class: 'secondary', testid: 'confirm-cancel', text: 'Cancel' });
    const ok = h('button', { type: 'button', class: 'danger', testid: 'confirm-ok', text: confirmLabel });
    const text = h('p', { id: 'confirm-text', text: message });
    const dialog = h('dialog', { testid: 'confirm-dialog', 'aria-labelledby': 'confirm-text' }, text, h('div', { class: 'actions' }, cancel, ok));
    const close = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    cancel.addEventListener('click', () => close(false));
    ok.addEventListener('click', () => close(true));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      close(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
