// Tiny DOM helpers: build elements without innerHTML (no injection), swap views, announce status.

/** h('button', {testid: 'x', onclick: f}, 'Text') → element. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'testid') el.dataset.testid = value;
    else if (key === 'text') el.textContent = value;
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

let cleanups = [];

/** Registers work to stop when the next view is shown (timers); call it after show(). */
export function onLeave(fn) {
  cleanups.push(fn);
}

/** Replaces the main content and moves focus to its heading, as a page load would. */
export function show(...nodes) {
  for (const fn of cleanups.splice(0)) fn();
  const main = document.getElementById('main');
  document.getElementById('view').replaceChildren(...nodes);
  const heading = main.querySelector('#view h1');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
    document.title = `${heading.textContent} · Tessera`;
  } else {
    main.focus();
  }
}

/** The aria-live status line: progress, success and the API's error messages. */
export function status(message, kind = 'info') {
  const el = document.getElementById('status');
  el.className = `status ${kind}`;
  el.textContent = message || '';
}

export function clearStatus() {
  status('');
}
