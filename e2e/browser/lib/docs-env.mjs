// The env files of OpenMetadata's provider pages (fixtures/openmetadata-docs), filled in where the
// page says to and read as docker compose reads an env file, so a browser test runs Tessera with
// the page's own lines: its comments, its `= public`, its quoted URLs.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/openmetadata-docs');

/** `file` with each `[from, to]` of `fills` replaced (every occurrence), as variables. */
export function docsEnv(file, fills) {
  let text = readFileSync(join(FIXTURES, file), 'utf8');
  for (const [from, to] of fills) {
    if (!text.includes(from)) throw new Error(`${file} has no ${from} to fill in: has the fixture changed?`);
    text = text.split(from).join(to);
  }
  const left = text.match(/\{[A-Za-z _-]+\}/);
  if (left) throw new Error(`${file}: ${left[0]} is still to be filled in`);
  return parseEnvFile(text);
}

/**
 * docker compose's env-file rules as these pages need them: `KEY=value` lines, blank lines and
 * `#` lines skipped, unquoted values trimmed and cut at ` #`, quoted values taken as written.
 */
export function parseEnvFile(text) {
  const env = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`not a KEY=value line: ${line}`);
    let value = line.slice(eq + 1).trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.indexOf(quote, 1) > 0) {
      value = value.slice(1, value.indexOf(quote, 1));
    } else {
      value = value.replace(/\s+#.*$/, '').trim();
    }
    env[line.slice(0, eq).trim()] = value;
  }
  return env;
}
