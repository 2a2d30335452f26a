// Runs in the hidden frame of a silent renewal (implicit flow, prompt=none): hands the provider's
// answer to the Tessera page that opened the frame, never to another origin, and clears the URL.

const answer = {
  type: 'tessera.silent-renewal',
  fragment: window.location.hash.slice(1),
  query: window.location.search.slice(1),
};
window.history.replaceState(null, '', window.location.pathname);
if (window.parent !== window) window.parent.postMessage(answer, window.location.origin);
