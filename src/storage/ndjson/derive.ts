/**
 * What an import recomputes for each version, with the engine's own pieces, exactly as the write
 * path did when the version was first written (`engine/write/prepare.ts`, `commit.ts`, the
 * auditor): search index entries (the indexer), reference links (`collectLinks`, none for Binary,
 * Provenance and AuditEvent), the notebook compartment and owner (`compartmentOf`), audience
 * labels (`labelMaskOf`) and circle-of-care memberships (`membershipsOf`). Nothing derived is in
 * the export, so an export cannot smuggle in rows that its resources do not justify.
 *
 * The write path derives from the resource before `meta.versionId`/`meta.lastUpdated` are set;
 * they are removed here too (no indexed parameter reads them; `_lastUpdated` is a column).
 */
import { labelMaskOf } from '../../engine/access/audience.js';
import { membershipsOf } from '../../engine/access/circle-memberships.js';
import { compartmentOf } from '../../engine/access/compartment.js';
import { NON_HOLDING_TYPES, type ResourceIndexer } from '../../engine/engine-deps.js';
import { collectLinks } from '../../engine/references.js';
import type { ImportedVersion, VersionWrite } from '../../engine/storage-port.js';
import type { ParsedVersion } from './format.js';

type Json = Record<string, unknown>;

/** The resource as the write path saw it when deriving its rows (server-owned meta removed). */
function asWritten(resource: Json): Json {
  const meta = resource.meta as Json | undefined;
  if (!meta || typeof meta !== 'object') return resource;
  const { versionId: _v, lastUpdated: _l, ...rest } = meta;
  const copy: Json = { ...resource };
  if (Object.keys(rest).length === 0) delete copy.meta;
  else copy.meta = rest;
  return copy;
}

export type VersionDeriver = (v: ParsedVersion) => ImportedVersion;

export function createDeriver(indexer: ResourceIndexer): VersionDeriver {
  return (v) => {
    if (v.method === 'DELETE' || v.json === null || !v.resource) {
      return { deleted: true, type: v.type, id: v.id, version: v.version, lastUpdated: v.lastUpdated };
    }
    const resource = asWritten(v.resource);
    const c = compartmentOf(resource);
    const write: VersionWrite = {
      type: v.type,
      id: v.id,
      version: v.version,
      lastUpdated: v.lastUpdated,
      method: v.method,
      json: v.json,
      index: indexer.extract(resource),
      links: NON_HOLDING_TYPES.has(v.type) ? [] : collectLinks(resource, v.type).map(({ targetType, targetId }) => ({ targetType, targetId })),
      patientId: c.patientId,
      labelMask: labelMaskOf(resource),
      memberships: membershipsOf(resource),
    };
    if (c.owner) write.owner = { targetType: c.owner.type, targetId: c.owner.id };
    return { deleted: false, ...write };
  };
}
