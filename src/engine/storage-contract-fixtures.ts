/**
 * Resources, writes and searches shared by the storage contract's blocks (storage-contract.ts):
 * realistic resources indexed by the real indexer, searches parsed by the real parser.
 */
import { defaultDefinitionsCacheDir, loadDefinitions } from '../fhir/definitions/load.js';
import { createIndexer } from '../fhir/search/indexer.js';
import { parseSearch } from '../fhir/search/parse-search.js';
import { identifierSystems, typeNote, visibilityStatus } from '../fhir/terminology.js';
import type { AccessConstraint } from './access-constraint.js';
import { labelMaskOf } from './access/audience.js';
import { membershipsOf } from './access/circle-memberships.js';
import { compartmentOf } from './access/compartment.js';
import { collectLinks } from './references.js';
import type { SearchPosition, SearchResult, Storage, StorageTx, StoredVersion, VersionWrite } from './storage-port.js';

/** A describe block with its own fresh store (`get` returns it inside tests). */
export type WithStore = (title: string, body: (get: () => Storage) => void) => void;

export type Json = Record<string, unknown>;

export const TYPES = ['DocumentReference', 'Patient', 'Practitioner', 'PractitionerRole', 'RelatedPerson', 'Organization', 'Device', 'Binary', 'CareTeam', 'Provenance', 'AuditEvent'];
export const defs = loadDefinitions(defaultDefinitionsCacheDir());
const indexer = createIndexer(defs, TYPES);
export const T0 = Date.parse('2026-01-01T00:00:00Z');

/** The version write of a resource, as the engine builds it (index, links, compartment, labels). */
export function versionWrite(resource: Json, version: number, lastUpdated: number, method: 'POST' | 'PUT' = version === 1 ? 'POST' : 'PUT'): VersionWrite {
  const type = String(resource.resourceType);
  const withMeta = { ...resource, meta: { versionId: String(version), lastUpdated: new Date(lastUpdated).toISOString() } };
  const c = compartmentOf(resource);
  const w: VersionWrite = {
    type,
    id: String(resource.id),
    version,
    lastUpdated,
    method,
    json: JSON.stringify(withMeta),
    index: indexer.extract(withMeta as unknown as { resourceType: string }),
    links: collectLinks(resource, type).map(({ targetType, targetId }) => ({ targetType, targetId })),
    patientId: c.patientId,
    labelMask: labelMaskOf(resource),
    memberships: membershipsOf(resource),
  };
  if (c.owner) w.owner = { targetType: c.owner.type, targetId: c.owner.id };
  return w;
}

/** Writes the next version of `resource` (after whatever is current), in its own transaction. */
export async function put(storage: Storage, resource: Json, lastUpdated: number, blob?: Buffer): Promise<number> {
  return storage.transaction(async (tx) => {
    const current = await tx.readForUpdate(String(resource.resourceType), String(resource.id));
    const version = (current?.version ?? 0) + 1;
    await tx.writeVersion(versionWrite(resource, version, lastUpdated));
    if (blob) await tx.writeBlob(String(resource.resourceType), String(resource.id), version, blob);
    return version;
  });
}

export function query(type: string, q: string) {
  return parseSearch(defs, type, [...new URLSearchParams(q).entries()], { lenient: false, maxCount: 1000, defaultCount: 50, exposedTypes: TYPES });
}

export const search = (s: Storage | StorageTx, type: string, q: string, o: { after?: SearchPosition; total?: boolean; access?: AccessConstraint } = {}): Promise<SearchResult> =>
  s.search({ request: query(type, q), countTotal: o.total ?? false, access: o.access ?? {}, ...(o.after ? { after: o.after } : {}) });

export const ids = (r: SearchResult, ordered = false): string[] => {
  const list = r.matches.map((m) => m.id);
  return ordered ? list : list.sort();
};
export const refs = (vs: StoredVersion[]): string[] => vs.map((v) => `${v.type}/${v.id}`).sort();

export const patient = (id: string, nir: string, family: string, birthDate?: string): Json => ({
  resourceType: 'Patient',
  id,
  identifier: [{ system: identifierSystems.insNir, value: nir }],
  name: [{ family, given: ['Jeanne'] }],
  ...(birthDate ? { birthDate } : {}),
});
export const practitioner = (id: string, rpps: string, family: string, given: string): Json => ({
  resourceType: 'Practitioner',
  id,
  identifier: [{ system: identifierSystems.nationalProfessional, value: rpps }],
  name: [{ family, given: [given] }],
});
export const note = (id: string, subject: string, author: string, code: string, date?: string, label?: string): Json => ({
  resourceType: 'DocumentReference',
  id,
  status: 'current',
  type: { coding: [{ system: typeNote.url, code }] },
  subject: { reference: subject },
  author: [{ reference: author }],
  ...(date ? { date } : {}),
  ...(label ? { securityLabel: [{ coding: [{ system: visibilityStatus.url, code: label }] }] } : {}),
  content: [{ attachment: { contentType: 'text/plain', data: Buffer.from(`note ${id}`).toString('base64') } }],
});

/** Runs `n` functions at once; returns their outcomes. */
export const race = <T>(n: number, f: (i: number) => Promise<T>) => Promise.allSettled(Array.from({ length: n }, (_, i) => f(i)));
