import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { openDevIssuer } from '../security/dev-issuer.js';
import { formatScope } from '../security/scopes.js';
import { createTokenVerifier } from '../security/token-verifier.js';
import { runTokenCommand } from './token.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'cdl-token-cli-'));
  dirs.push(d);
  return d;
};
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

test('prints a token of the data directory\'s dev issuer, which its verifier accepts', async () => {
  const dataDir = tempDir();
  const r = await runTokenCommand(['--fhir-user', 'PractitionerRole/abc', '--scope', 'user/*.cruds', '--expires', '600', '--data-dir', dataDir], {});
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  assert.ok(existsSync(join(dataDir, 'dev-issuer', 'private-key.json')));
  const dev = await openDevIssuer({ dataDir });
  const p = await createTokenVerifier({ issuers: [dev.issuerConfig()] }).verify(`Bearer ${r.stdout.trim()}`);
  assert.deepEqual(p.fhirUser, { type: 'PractitionerRole', id: 'abc' });
  assert.deepEqual(p.scopes.map(formatScope), ['user/*.cruds']);
  assert.ok(p.expiresAt - Date.now() / 1000 <= 600);
});

test('data dir from CDL_DATA_DIR; subject and client id options', async () => {
  const dataDir = tempDir();
  const r = await runTokenCommand(['--scope', 'system/*.cruds', '--client-id', 'plateforme', '--subject', 'svc'], { CDL_DATA_DIR: dataDir });
  assert.equal(r.code, 0, r.stderr);
  const dev = await openDevIssuer({ dataDir });
  const p = await createTokenVerifier({ issuers: [dev.issuerConfig()] }).verify(`Bearer ${r.stdout.trim()}`);
  assert.equal(p.subject, 'svc');
  assert.equal(p.clientId, 'plateforme');
});

test('usage errors exit 2 with a message; --help exits 0', async () => {
  const dataDir = tempDir();
  assert.match((await runTokenCommand(['--data-dir', dataDir], {})).stderr, /--scope is required/);
  assert.equal((await runTokenCommand(['--data-dir', dataDir], {})).code, 2);
  assert.match((await runTokenCommand(['--scope', 'user/*.rs', '--expires=-5', '--data-dir', dataDir], {})).stderr, /--expires must be a positive/);
  assert.match((await runTokenCommand(['--scope', 'user/*.rs', '--expires', '0', '--data-dir', dataDir], {})).stderr, /--expires must be a positive/);
  assert.equal((await runTokenCommand(['--bogus'], {})).code, 2);
  const bad = await runTokenCommand(['--scope', 'user/*.rs', '--fhir-user', 'Person/1', '--data-dir', dataDir], {});
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /fhirUser 'Person\/1' must be Type\/id/);
  const help = await runTokenCommand(['--help'], {});
  assert.equal(help.code, 0);
  assert.match(help.stdout, /usage: npm run token/);
});

test('warns when the environment configures another issuer', async () => {
  const r = await runTokenCommand(['--scope', 'user/*.rs', '--data-dir', tempDir()], { CDL_AUTH_ISSUER: 'https://idp' });
  assert.equal(r.code, 0);
  assert.match(r.stderr, /CDL_AUTH_ISSUER is set/);
});

test('as a script: only the token on stdout, exit code 0', () => {
  const script = fileURLToPath(new URL('./token.js', import.meta.url));
  if (!script.endsWith('.js') || !existsSync(script)) return; // running from sources (tsx): covered above
  const dataDir = tempDir();
  const r = spawnSync(process.execPath, [script, '--scope', 'user/*.rs', '--fhir-user', 'Patient/p1', '--data-dir', dataDir], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  const usage = spawnSync(process.execPath, [script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  assert.equal(usage.status, 2);
});
