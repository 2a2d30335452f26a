// Client-side navigation between the UI's pages without reloading (history API).

let render = () => {};

export function start(renderPage) {
  render = renderPage;
  window.addEventListener('popstate', () => render());
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[href]');
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin || url.pathname.startsWith('/api')) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
}

export function navigate(path, { replace = false } = {}) {
  if (replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  return render();
}
