// What an empty catalog shows: how to fill it with the official ingestion client. Admins get the
// ingestion bot's token and a `metadata ingest` workflow for this server, ready to copy; others
// are told whom to ask (a bot token is an admin's to hand out).

import { h } from '../dom.js';
import { api } from '../api.js';
import { copyFrom } from '../clipboard.js';

/** A workflow for a SQLite file (the simplest source); the comments say what to change. */
export function workflowYaml(server, token) {
  return [
    'source:',
    '  type: sqlite                       # or postgres, mysql, snowflake, ...',
    '  serviceName: my_database           # the service this source becomes in Tessera',
    '  serviceConnection:',
    '    config:',
    '      type: SQLite',
    '      databaseMode: /path/to/file.db  # the SQLite file to read',
    '      database: main                  # the database\'s name in Tessera',
    '  sourceConfig:',
    '    config:',
    '      type: DatabaseMetadata',
    'sink:',
    '  type: metadata-rest',
    '  config: {}',
    'workflowConfig:',
    '  openMetadataServerConfig:',
    `    hostPort: ${server}/api`,
    '    authProvider: openmetadata',
    '    securityConfig:',
    `      jwtToken: ${token}`,
    '',
  ].join('\n');
}

async function botToken() {
  const bot = await api('/api/v1/bots/name/ingestion-bot');
  const mechanism = await api(`/api/v1/users/token/${bot.botUser.id}`);
  return mechanism?.JWTToken || '';
}

/** The guide; `isAdmin` decides whether the token is shown. */
export async function ingestGuide(isAdmin) {
  const steps = [
    h('h2', { text: 'Fill the catalog' }),
    h('p', { text: 'The catalog is empty. OpenMetadata\'s ingestion client reads your databases into it:' }),
    h('pre', { class: 'code', testid: 'ingest-install', text: 'pip install "openmetadata-ingestion[sqlite]~=1.7.7"' }),
  ];
  if (!isAdmin) {
    steps.push(h('p', { testid: 'ingest-ask-admin', text: 'An admin can give you the ingestion bot\'s token and a ready workflow from this page.' }));
    return h('section', { class: 'guide', testid: 'ingest-guide' }, steps);
  }
  let yaml;
  try {
    yaml = workflowYaml(window.location.origin, await botToken());
  } catch (error) {
    steps.push(h('p', { class: 'status error', text: `The bot's token could not be read: ${error.message}` }));
    return h('section', { class: 'guide', testid: 'ingest-guide' }, steps);
  }
  const text = h('textarea', { id: 'ingest-yaml', testid: 'ingest-yaml', rows: 19, readonly: true, class: 'mono' });
  text.value = yaml;
  steps.push(
    h('p', {}, 'Save this as ', h('code', { text: 'workflow.yaml' }), ', change the source, then run ', h('code', { text: 'metadata ingest -c workflow.yaml' }), '. It holds the ingestion bot\'s token: keep it like a password.'),
    h('label', { for: 'ingest-yaml', text: 'Workflow for this server' }),
    text,
    h('div', { class: 'actions' }, h('button', { type: 'button', testid: 'ingest-yaml-copy', text: 'Copy the workflow', onclick: () => copyFrom(text) })),
  );
  return h('section', { class: 'guide', testid: 'ingest-guide' }, steps);
}
