import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Scope } from './principal.js';
import { allows, contextsAllowing, formatScope, interactionOf, parseScope, parseScopes, parseScopesDetailed, scopeStrings } from './scopes.js';

const flags = (s: Scope) => formatScope(s);

test('SMART v2 scopes: every permission subset in cruds order', () => {
  assert.deepEqual(parseScopes('user/DocumentReference.cruds').map(flags), ['user/DocumentReference.cruds']);
  assert.deepEqual(parseScopes('patient/*.rs').map(flags), ['patient/*.rs']);
  assert.deepEqual(parseScopes('system/*.cruds').map(flags), ['system/*.cruds']);
  assert.deepEqual(parseScopes('user/Patient.c').map(flags), ['user/Patient.c']);
  assert.deepEqual(parseScopes('user/Patient.cud').map(flags), ['user/Patient.cud']);
  assert.deepEqual(parseScopes('user/Patient.s').map(flags), ['user/Patient.s']);
  assert.deepEqual(parseScopes('user/Patient.d').map(flags), ['user/Patient.d']);
  const s = parseScopes('patient/Observation.rs')[0]!;
  assert.deepEqual(s, { context: 'patient', resourceType: 'Observation', c: false, r: true, u: false, d: false, s: true });
});

test('SMART v2 scopes out of order, repeated or unknown letters are dropped', () => {
  for (const bad of ['user/*.rc', 'user/*.rr', 'user/*.sr', 'user/*.x', 'user/*.crudsx', 'user/*.', 'user/*']) {
    assert.deepEqual(parseScopes(bad), [], bad);
  }
  const d = parseScopesDetailed('user/*.rc');
  assert.equal(d.dropped.length, 1);
  assert.match(d.dropped[0]!.reason, /unknown permissions/);
});

test('SMART v1 scopes map to their v2 equivalents', () => {
  assert.deepEqual(parseScopes('user/*.read').map(flags), ['user/*.rs']);
  assert.deepEqual(parseScopes('user/*.write').map(flags), ['user/*.cud']);
  assert.deepEqual(parseScopes('user/*.*').map(flags), ['user/*.cruds']);
  assert.deepEqual(parseScopes('patient/DocumentReference.read').map(flags), ['patient/DocumentReference.rs']);
  assert.deepEqual(parseScopes('system/Patient.write').map(flags), ['system/Patient.cud']);
});

test('scopes with a ?query restriction are dropped (they would otherwise widen the grant)', () => {
  const d = parseScopesDetailed('patient/Observation.rs?category=laboratory user/Patient.r');
  assert.deepEqual(d.scopes.map(flags), ['user/Patient.r']);
  assert.equal(d.dropped[0]!.scope, 'patient/Observation.rs?category=laboratory');
  assert.match(d.dropped[0]!.reason, /restricted scopes/);
  assert.deepEqual(parseScopes('user/*.read?x=1'), []);
  assert.deepEqual(parseScopes('user/*.rs?'), []);
});

test('identity and launch scopes are ignored, not reported as dropped', () => {
  const d = parseScopesDetailed('openid fhirUser profile email launch launch/patient launch/encounter offline_access online_access');
  assert.deepEqual(d, { scopes: [], dropped: [] });
  assert.deepEqual(parseScope('openid'), { kind: 'ignored' });
});

test('garbage and look-alikes are dropped', () => {
  for (const bad of ['admin', 'User/*.read', 'user/documentReference.rs', 'practitioner/*.rs', 'user/*/x.rs', 'user/Doc-Ref.rs', '*']) {
    assert.deepEqual(parseScopes(bad), [], bad);
  }
  assert.equal(parseScopesDetailed('admin').dropped[0]!.reason, 'not a SMART resource scope');
});

test('scope claim forms: space-separated string, scp array, extra whitespace, non-strings ignored', () => {
  assert.deepEqual(scopeStrings('  openid   user/*.rs\tpatient/*.r\n'), ['openid', 'user/*.rs', 'patient/*.r']);
  assert.deepEqual(scopeStrings(['user/*.rs', 42, null, 'system/*.c']), ['user/*.rs', 'system/*.c']);
  assert.deepEqual(scopeStrings(undefined), []);
  assert.deepEqual(scopeStrings(null), []);
  assert.deepEqual(parseScopes(['user/*.rs', 'system/Patient.c']).map(flags), ['user/*.rs', 'system/Patient.c']);
});

test('scopes on the same context and type are merged', () => {
  assert.deepEqual(parseScopes('user/*.read user/*.write').map(flags), ['user/*.cruds']);
  assert.deepEqual(parseScopes('user/Patient.r user/Patient.s patient/Patient.c').map(flags), ['user/Patient.rs', 'patient/Patient.c']);
});

test('allows: per type and wildcard, per interaction', () => {
  const scopes = parseScopes('user/DocumentReference.rs patient/*.r system/Patient.c');
  assert.equal(allows(scopes, 'DocumentReference', 'read'), true);
  assert.equal(allows(scopes, 'DocumentReference', 'search'), true);
  assert.equal(allows(scopes, 'DocumentReference', 'create'), false);
  assert.equal(allows(scopes, 'Patient', 'create'), true);
  assert.equal(allows(scopes, 'Patient', 'read'), true); // patient/*.r
  assert.equal(allows(scopes, 'Patient', 'search'), false);
  assert.equal(allows(scopes, 'Device', 'update'), false);
  assert.equal(allows(scopes, 'Device', 'delete'), false);
  assert.equal(allows([], 'Patient', 'read'), false);
});

test('contextsAllowing lists each context once, in patient/user/system order', () => {
  const scopes = parseScopes('system/*.rs user/DocumentReference.r patient/DocumentReference.rs user/*.s');
  assert.deepEqual(contextsAllowing(scopes, 'DocumentReference', 'read'), ['patient', 'user', 'system']);
  assert.deepEqual(contextsAllowing(scopes, 'DocumentReference', 'search'), ['patient', 'user', 'system']);
  assert.deepEqual(contextsAllowing(scopes, 'Patient', 'read'), ['system']);
  assert.deepEqual(contextsAllowing(scopes, 'Patient', 'search'), ['user', 'system']);
  assert.deepEqual(contextsAllowing(scopes, 'Patient', 'delete'), []);
});

test('interactionOf maps FHIR interactions to SMART permissions', () => {
  assert.equal(interactionOf('vread'), 'read');
  assert.equal(interactionOf('history-instance'), 'read');
  assert.equal(interactionOf('patch'), 'update');
  assert.equal(interactionOf('history-type'), 'search');
  assert.equal(interactionOf('search-system'), 'search');
  assert.equal(interactionOf('delete'), 'delete');
  assert.equal(interactionOf('create'), 'create');
});
