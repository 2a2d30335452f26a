// Copy a token to the clipboard, with a fallback for pages that are not a secure context.

import { status } from './dom.js';

export async function copyFrom(input) {
  try {
    await navigator.clipboard.writeText(input.value);
  } catch {
    input.select();
    if (!document.execCommand('copy')) {
      status('Copy failed: select the token and copy it by hand.', 'error');
      return;
    }
  }
  status('Copied to the clipboard.', 'ok');
}
