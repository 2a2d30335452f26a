// A throwaway OpenLDAP slapd for the LDAP sign-in scenario (Debian's slapd, installed by
// scripts/test.sh), plain LDAP on a free port, with one person: carol@example.com.

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from './procs.mjs';

export const LDAP_BASE = 'dc=example,dc=com';
export const LDAP_ADMIN_DN = 'cn=admin,dc=example,dc=com';
export const LDAP_ADMIN_PASSWORD = 'lookup-secret';
export const LDAP_USER = { email: 'carol@example.com', password: 'Carol-Dir-1' };

function listening(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => { socket.end(); resolve(true); });
    socket.on('error', () => resolve(false));
  });
}

/** Starts slapd; resolves to { port, child, dir } once it listens. */
export async function startSlapd() {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-slapd-'));
  mkdirSync(join(dir, 'db'));
  writeFileSync(join(dir, 'slapd.conf'), [
    'include /etc/ldap/schema/core.schema', 'include /etc/ldap/schema/cosine.schema',
    'include /etc/ldap/schema/inetorgperson.schema', 'modulepath /usr/lib/ldap', 'moduleload back_mdb',
    `pidfile ${dir}/slapd.pid`, 'database mdb', `suffix "${LDAP_BASE}"`, `rootdn "${LDAP_ADMIN_DN}"`,
    `rootpw ${LDAP_ADMIN_PASSWORD}`, `directory ${dir}/db`,
    'access to attrs=userPassword by anonymous auth by self write by * none', 'access to * by * read', '',
  ].join('\n'));
  writeFileSync(join(dir, 'people.ldif'), [
    `dn: ${LDAP_BASE}`, 'objectClass: dcObject', 'objectClass: organization', 'dc: example', 'o: Example', '',
    `dn: ou=people,${LDAP_BASE}`, 'objectClass: organizationalUnit', 'ou: people', '',
    `dn: uid=carol,ou=people,${LDAP_BASE}`, 'objectClass: inetOrgPerson', 'uid: carol', 'cn: Carol', 'sn: Danvers',
    `mail: ${LDAP_USER.email}`, `userPassword: ${LDAP_USER.password}`, '',
  ].join('\n'));
  const added = spawnSync('/usr/sbin/slapadd', ['-f', 'slapd.conf', '-l', 'people.ldif'], { cwd: dir, encoding: 'utf8' });
  if (added.status !== 0) throw new Error(`slapadd failed (scripts/test.sh installs slapd): ${added.stderr || added.error}`);
  const port = await freePort();
  const child = spawn('/usr/sbin/slapd', ['-f', 'slapd.conf', '-h', `ldap://127.0.0.1:${port}/`, '-d', '0'], { cwd: dir, stdio: 'ignore' });
  for (let i = 0; i < 100; i += 1) {
    if (await listening(port)) return { port, child, dir }; // eslint-disable-line no-await-in-loop
    await new Promise((r) => { setTimeout(r, 100); }); // eslint-disable-line no-await-in-loop
  }
  child.kill('SIGKILL');
  throw new Error(`slapd did not listen on ${port}`);
}
