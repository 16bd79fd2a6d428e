import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FhirError } from '../fhir/errors.js';
import { formatScope } from './scopes.js';
import { createTokenVerifier, type TokenVerifier } from './token-verifier.js';
import { startJwksServer, type JwksHttpServer } from './testing/jwks-http-server.js';
import { hmacWithPublicKey, jwksOf, signToken, tamperPayload, testKey, unsignedToken, type TestKey } from './testing/token-factory.js';

const ISS = 'https://idp.example.fr/realms/cdl';
const REMOTE_ISS = 'https://remote-idp.example.fr';
const AUD = 'cahier-de-liaison';
const now = () => Math.floor(Date.now() / 1000);
const bearer = (t: string) => `Bearer ${t}`;

let dir: string;
let jwksFile: string;
let rsa: TestKey;
let ec: TestKey;
let ed: TestKey;
let rogue: TestKey;
let remoteKey: TestKey;
let server: JwksHttpServer;
let verifier: TokenVerifier;

const claims = (extra: Record<string, unknown> = {}) => ({
  iss: ISS,
  aud: AUD,
  sub: 'user-1',
  scope: 'openid fhirUser user/*.cruds',
  fhirUser: 'PractitionerRole/abc',
  ...extra,
});

async function refused(promise: Promise<unknown>, diagnostics: string | RegExp, status = 401): Promise<FhirError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof FhirError, `expected a FhirError, got ${String(e)}`);
    assert.equal(e.status, status);
    const text = e.issues[0]!.diagnostics;
    if (typeof diagnostics === 'string') assert.equal(text, diagnostics);
    else assert.match(text, diagnostics);
    if (status === 401) {
      assert.equal(e.issues[0]!.code, 'login');
      assert.match(e.headers['www-authenticate']!, /^Bearer/);
    }
    return e;
  }
  assert.fail(`expected a refusal (${String(diagnostics)})`);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cdl-verifier-'));
  [rsa, ec, ed, rogue, remoteKey] = await Promise.all([
    testKey('RS256', 'rsa-1'),
    testKey('ES256', 'ec-1'),
    testKey('EdDSA', 'ed-1'),
    testKey('RS256', 'rogue'),
    testKey('ES256', 'remote-1'),
  ]);
  jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify(jwksOf(rsa, ec, ed)));
  server = await startJwksServer(jwksOf(remoteKey));
  verifier = createTokenVerifier({
    issuers: [
      { issuer: ISS, jwks: jwksFile, audience: AUD },
      { issuer: REMOTE_ISS, jwks: server.url, audience: ['other-api', AUD] },
    ],
    jwks: { cooldownMs: 0, fileCheckIntervalMs: 0 },
  });
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('credentials and token syntax', () => {
  test('missing Authorization header → 401 with a bare Bearer challenge', async () => {
    for (const h of [undefined, '', '   ']) {
      const e = await refused(verifier.verify(h), 'authentication required: no bearer token');
      assert.equal(e.headers['www-authenticate'], 'Bearer');
    }
  });

  test('another scheme → 401', async () => {
    await refused(verifier.verify('Basic dXNlcjpwYXNz'), 'unsupported authorization scheme; use Bearer');
    await refused(verifier.verify('Token abc.def.ghi'), 'unsupported authorization scheme; use Bearer');
    const good = await signToken(rsa, claims());
    await refused(verifier.verify(good), 'unsupported authorization scheme; use Bearer'); // no scheme at all
  });

  test('malformed tokens → 401 "malformed token" with invalid_token', async () => {
    const long = 'a'.repeat(20_000) + '.b.c';
    for (const t of ['Bearer', 'Bearer abc', 'Bearer a.b.c d', 'Bearer a.b.c,x.y.z', 'Bearer a.b', 'Bearer a.b.c', 'Bearer a.b.c.d.e', 'Bearer ey!.ey.sig', `Bearer ${long}`, 'Bearer e30.bm90IGpzb24.c2ln']) {
      const e = await refused(verifier.verify(t), 'malformed token');
      assert.match(e.headers['www-authenticate']!, /error="invalid_token", error_description="malformed token"/);
    }
  });

  test('scheme is case-insensitive and surrounding blanks are tolerated', async () => {
    const t = await signToken(rsa, claims());
    assert.equal((await verifier.verify(`bearer ${t}`)).subject, 'user-1');
    assert.equal((await verifier.verify(`  BEARER   ${t}  `)).subject, 'user-1');
  });
});

describe('lifetime', () => {
  test('expired token → "token expired"; within the 30 s tolerance → accepted', async () => {
    await refused(verifier.verify(bearer(await signToken(rsa, claims(), { exp: now() - 60 }))), 'token expired');
    assert.ok(await verifier.verify(bearer(await signToken(rsa, claims(), { exp: now() - 10 }))));
  });

  test('nbf or iat in the future → "token not yet valid"; within tolerance → accepted', async () => {
    await refused(verifier.verify(bearer(await signToken(rsa, claims({ nbf: now() + 120 })))), 'token not yet valid');
    await refused(verifier.verify(bearer(await signToken(rsa, claims(), { iat: now() + 120 }))), 'token not yet valid');
    assert.ok(await verifier.verify(bearer(await signToken(rsa, claims({ nbf: now() + 10 }), { iat: now() + 10 }))));
  });

  test('no exp → refused', async () => {
    await refused(verifier.verify(bearer(await signToken(rsa, claims(), { exp: null }))), 'token has no expiry (exp)');
  });

  test('a non-numeric exp → malformed token', async () => {
    await refused(verifier.verify(bearer(await signToken(rsa, claims({ exp: 'tomorrow' }), { exp: null }))), 'malformed token');
  });
});

describe('issuer and audience', () => {
  test('unknown or missing iss → "untrusted issuer", even when signed by a trusted key', async () => {
    await refused(verifier.verify(bearer(await signToken(rsa, claims({ iss: 'https://evil.example' })))), 'untrusted issuer');
    await refused(verifier.verify(bearer(await signToken(rsa, claims({ iss: undefined })))), 'untrusted issuer');
    await refused(verifier.verify(bearer(await signToken(rsa, claims({ iss: ISS + '/' })))), 'untrusted issuer');
  });

  test('wrong or missing aud → "audience mismatch"; an aud array containing ours → accepted', async () => {
    await refused(verifier.verify(bearer(await signToken(rsa, claims({ aud: 'another-api' })))), 'audience mismatch');
    await refused(verifier.verify(bearer(await signToken(rsa, claims({ aud: undefined })))), 'audience mismatch');
    assert.ok(await verifier.verify(bearer(await signToken(rsa, claims({ aud: ['x', AUD] })))));
  });

  test("a token claiming issuer A but signed with issuer B's key → unknown signing key", async () => {
    await refused(verifier.verify(bearer(await signToken(remoteKey, claims()))), 'unknown signing key');
  });
});

describe('signature and algorithm attacks', () => {
  test('unknown kid → "unknown signing key"', async () => {
    await refused(verifier.verify(bearer(await signToken(rogue, claims()))), 'unknown signing key');
  });

  test('rogue key presenting a trusted kid → "signature invalid"', async () => {
    await refused(verifier.verify(bearer(await signToken(rogue, claims(), { header: { kid: 'rsa-1' } }))), 'signature invalid');
  });

  test('alg: none → "algorithm not allowed"', async () => {
    await refused(verifier.verify(bearer(unsignedToken(claims()))), 'algorithm not allowed');
  });

  test('HS256 signed with the public key material → "algorithm not allowed"', async () => {
    await refused(verifier.verify(bearer(await hmacWithPublicKey(rsa, claims()))), 'algorithm not allowed');
    await refused(verifier.verify(bearer(await hmacWithPublicKey(ec, claims()))), 'algorithm not allowed');
  });

  test('header alg changed (ES256 token relabelled RS256) → refused', async () => {
    const t = await signToken(ec, claims());
    const forgedHeader = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'rsa-1' })).toString('base64url');
    await refused(verifier.verify(bearer(`${forgedHeader}.${t.split('.').slice(1).join('.')}`)), 'signature invalid');
  });

  test('tampered payload → "signature invalid"', async () => {
    const t = await signToken(rsa, claims({ scope: 'user/Patient.r' }));
    await refused(verifier.verify(bearer(tamperPayload(t, { scope: 'system/*.cruds' }))), 'signature invalid');
    await refused(verifier.verify(bearer(tamperPayload(t, { fhirUser: 'PractitionerRole/other' }))), 'signature invalid');
  });

  test('refusals never echo the token', async () => {
    const t = tamperPayload(await signToken(rsa, claims()), { sub: 'x' });
    const e = await refused(verifier.verify(bearer(t)), 'signature invalid');
    const text = JSON.stringify({ m: e.message, i: e.issues, h: e.headers });
    for (const part of t.split('.')) assert.ok(!text.includes(part));
  });
});

describe('valid tokens', () => {
  test('RS256 from a JWKS file → principal', async () => {
    const p = await verifier.verify(bearer(await signToken(rsa, claims({ jti: 'tok-1', client_id: 'app-1' }), { exp: 2_000_000_000 })));
    assert.deepEqual(p, {
      issuer: ISS,
      subject: 'user-1',
      clientId: 'app-1',
      fhirUser: { type: 'PractitionerRole', id: 'abc' },
      scopes: [{ context: 'user', resourceType: '*', c: true, r: true, u: true, d: true, s: true }],
      tokenId: 'tok-1',
      expiresAt: 2_000_000_000,
    });
  });

  test('ES256 and EdDSA from a JWKS file', async () => {
    assert.equal((await verifier.verify(bearer(await signToken(ec, claims())))).fhirUser?.id, 'abc');
    assert.equal((await verifier.verify(bearer(await signToken(ed, claims())))).fhirUser?.id, 'abc');
  });

  test('scp array claim and azp as client id', async () => {
    const p = await verifier.verify(bearer(await signToken(rsa, claims({ scope: undefined, scp: ['patient/*.rs', 'launch/patient'], azp: 'web-app' }))));
    assert.deepEqual(p.scopes.map(formatScope), ['patient/*.rs']);
    assert.equal(p.clientId, 'web-app');
  });

  test('client-credentials token without sub: subject = client id, no fhirUser', async () => {
    const p = await verifier.verify(bearer(await signToken(rsa, claims({ sub: undefined, fhirUser: undefined, client_id: 'plateforme', scope: 'system/*.cruds' }))));
    assert.equal(p.subject, 'plateforme');
    assert.equal(p.fhirUser, undefined);
    assert.deepEqual(p.scopes.map(formatScope), ['system/*.cruds']);
  });

  test('no sub and no client id → refused', async () => {
    await refused(verifier.verify(bearer(await signToken(rsa, claims({ sub: undefined })))), /neither a subject/);
  });
});

describe('claims', () => {
  test('fhirUser: relative and absolute forms', async () => {
    const v = async (fhirUser: unknown) => (await verifier.verify(bearer(await signToken(rsa, claims({ fhirUser }))))).fhirUser;
    assert.deepEqual(await v('Practitioner/p-1'), { type: 'Practitioner', id: 'p-1' });
    assert.deepEqual(await v('https://cdl.example.fr/fhir/RelatedPerson/rp.2'), { type: 'RelatedPerson', id: 'rp.2' });
    assert.deepEqual(await v('http://localhost:8080/fhir/Patient/123'), { type: 'Patient', id: '123' });
    assert.deepEqual(await v('Device/d1'), { type: 'Device', id: 'd1' });
    assert.deepEqual(await v('Organization/o1'), { type: 'Organization', id: 'o1' });
    for (const bad of ['Person/1', 'Practitioner/', 'Practitioner/a/b', 'Practitioner/1/_history/2', 'ftp://x/Practitioner/1', 'Practitioner/a b', 42, 'x'.repeat(70)]) {
      await refused(verifier.verify(bearer(await signToken(rsa, claims({ fhirUser: bad })))), /^fhirUser claim/);
    }
  });

  test('fhirUser on another server is refused when the FHIR base is known', async () => {
    const v2 = createTokenVerifier({ issuers: [{ issuer: ISS, jwks: jwksFile, audience: AUD }], fhirBaseUrls: ['https://cdl.example.fr/fhir/'] });
    const ok = await v2.verify(bearer(await signToken(rsa, claims({ fhirUser: 'https://cdl.example.fr/fhir/Practitioner/1' }))));
    assert.deepEqual(ok.fhirUser, { type: 'Practitioner', id: '1' });
    await refused(v2.verify(bearer(await signToken(rsa, claims({ fhirUser: 'https://evil.example/fhir/Practitioner/1' })))), 'fhirUser claim designates a resource on another server');
  });

  test('Pro Santé Connect claims: SubjectNameID and SubjectRefPro.exercices[].codeProfession', async () => {
    const psc = {
      sub: 'f:550dc1c8-d97b-4b1e-ac8c-8eb4471cf9dd:899700218896',
      fhirUser: undefined,
      SubjectNameID: '899700218896',
      SubjectRefPro: {
        codeCivilite: 'M',
        exercices: [
          { codeProfession: '10', codeCategorieProfessionnelle: 'C', activities: [] },
          { codeProfession: '60' },
          { codeProfession: '10' },
          { nothing: true },
        ],
      },
    };
    const p = await verifier.verify(bearer(await signToken(rsa, claims(psc))));
    assert.deepEqual(p.psc, { nationalId: '899700218896', professionCodes: ['10', '60'] });
    // SubjectRefPro as a JSON string, and absent
    const p2 = await verifier.verify(bearer(await signToken(rsa, claims({ ...psc, SubjectRefPro: JSON.stringify(psc.SubjectRefPro) }))));
    assert.deepEqual(p2.psc?.professionCodes, ['10', '60']);
    const p3 = await verifier.verify(bearer(await signToken(rsa, claims({ ...psc, SubjectRefPro: undefined }))));
    assert.deepEqual(p3.psc, { nationalId: '899700218896', professionCodes: [] });
    const p4 = await verifier.verify(bearer(await signToken(rsa, claims())));
    assert.equal(p4.psc, undefined);
  });
});

describe('remote JWKS', () => {
  test('valid ES256 token verified against a JWKS served over HTTP', async () => {
    const p = await verifier.verify(bearer(await signToken(remoteKey, claims({ iss: REMOTE_ISS }))));
    assert.equal(p.issuer, REMOTE_ISS);
    assert.ok(server.requests >= 1);
  });

  test('the key set is cached: no fetch per token', async () => {
    const t = bearer(await signToken(remoteKey, claims({ iss: REMOTE_ISS })));
    await verifier.verify(t);
    const before = server.requests;
    for (let i = 0; i < 5; i++) await verifier.verify(t);
    assert.equal(server.requests, before);
  });

  test('key rotation: a new kid added to the served JWKS is picked up', async () => {
    const next = await testKey('RS256', 'remote-2');
    const t = bearer(await signToken(next, claims({ iss: REMOTE_ISS })));
    await refused(verifier.verify(t), 'unknown signing key');
    server.setJwks(jwksOf(remoteKey, next));
    assert.equal((await verifier.verify(t)).issuer, REMOTE_ISS);
    // the old key still works while it is published
    assert.ok(await verifier.verify(bearer(await signToken(remoteKey, claims({ iss: REMOTE_ISS })))));
  });

  test('JWKS endpoint failing → 503, not a client error', async () => {
    const fresh = await testKey('ES256', 'remote-3');
    server.failWith(500);
    try {
      await refused(verifier.verify(bearer(await signToken(fresh, claims({ iss: REMOTE_ISS })))), /signing keys of the token issuer are unavailable/, 503);
    } finally {
      server.failWith(undefined);
    }
  });
});

describe('file JWKS', () => {
  test('the file is re-read when it changes (key rotation)', async () => {
    const next = await testKey('ES256', 'ec-2');
    const t = bearer(await signToken(next, claims()));
    await refused(verifier.verify(t), 'unknown signing key');
    writeFileSync(jwksFile + '.tmp', JSON.stringify(jwksOf(rsa, ec, ed, next)));
    renameSync(jwksFile + '.tmp', jwksFile);
    assert.equal((await verifier.verify(t)).subject, 'user-1');
  });

  test('a broken rewrite keeps the last good key set', async () => {
    const t = bearer(await signToken(rsa, claims()));
    writeFileSync(jwksFile, '{ not json');
    try {
      assert.equal((await verifier.verify(t)).subject, 'user-1');
    } finally {
      writeFileSync(jwksFile, JSON.stringify(jwksOf(rsa, ec, ed)));
    }
  });
});

describe('configuration errors', () => {
  test('are reported precisely at construction', () => {
    assert.throws(() => createTokenVerifier({ issuers: [] }), /at least one trusted issuer/);
    assert.throws(
      () => createTokenVerifier({ issuers: [{ issuer: ISS, jwks: jwksFile, audience: AUD }, { issuer: ISS, jwks: jwksFile, audience: AUD }] }),
      /configured twice/,
    );
    assert.throws(() => createTokenVerifier({ issuers: [{ issuer: ISS, jwks: jwksFile, audience: [] }] }), /has no audience/);
    assert.throws(() => createTokenVerifier({ issuers: [{ issuer: ISS, jwks: join(dir, 'missing.json'), audience: AUD }] }), /cannot be read \(ENOENT\)/);
    assert.throws(() => createTokenVerifier({ issuers: [{ issuer: ISS, jwks: 'http://idp.example.fr/jwks', audience: AUD }] }), /must use https/);
    assert.throws(() => createTokenVerifier({ issuers: [{ issuer: ISS, jwks: jwksFile, audience: AUD }], clockToleranceSeconds: -1 }), /clockTolerance/);
    const priv = join(dir, 'private.json');
    writeFileSync(priv, JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }));
    assert.throws(() => createTokenVerifier({ issuers: [{ issuer: ISS, jwks: priv, audience: AUD }] }), /public keys only/);
  });
});
