// A small Markdown subset rendered as DOM nodes (never innerHTML, so a description can hold no
// markup): paragraphs, "- " lists, "#" headings (shown as strong lines), **bold**, *italic*,
// `code` and [links](https://…) to http(s) addresses only.

import { h } from './dom.js';

const INLINE = /(\*\*[^*]+\*\*|\*[^*]+\*|`[^`]+`|\[[^\]]+\]\([^)\s]+\))/;

function inline(text) {
  return text.split(INLINE).filter((part) => part !== '').map((part) => {
    if (part.startsWith('**') && part.endsWith('**') && part.length > 4) return h('strong', { text: part.slice(2, -2) });
    if (part.startsWith('`') && part.endsWith('`') && part.length > 2) return h('code', { text: part.slice(1, -1) });
    if (part.startsWith('*') && part.endsWith('*') && part.length > 2) return h('em', { text: part.slice(1, -1) });
    const link = part.match(/^\[([^\]]+)\]\(([^)\s]+)\)$/);
    if (link && /^https?:\/\//i.test(link[2])) return h('a', { href: link[2], rel: 'noopener noreferrer', target: '_blank', text: link[1] });
    return document.createTextNode(part);
  });
}

/** The blocks of `source` as elements. */
export function markdown(source) {
  const blocks = [];
  for (const block of String(source || '').split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((line) => line.trim() !== '');
    if (!lines.length) continue;
    if (lines.every((line) => /^\s*[-*] /.test(line))) {
      blocks.push(h('ul', {}, lines.map((line) => h('li', {}, inline(line.replace(/^\s*[-*] /, ''))))));
    } else if (lines.length === 1 && /^#{1,6} /.test(lines[0])) {
      blocks.push(h('p', {}, h('strong', {}, inline(lines[0].replace(/^#{1,6} /, '')))));
    } else {
      blocks.push(h('p', {}, inline(lines.join(' '))));
    }
  }
  return blocks;
}
