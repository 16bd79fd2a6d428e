/**
 * Prepares a resource for writing: server-owned fields reset, validation (base R4 + profile),
 * attachments (hash, size, large bytes to Binary), search index entries and reference links.
 * Pure CPU work: no storage access.
 */
import { errors, FhirError, issue } from '../../fhir/errors.js';
import type { IndexEntry } from '../../fhir/search/index-entry.js';
import { NON_HOLDING_TYPES, type EngineDeps, type RequestContext } from '../engine-deps.js';
import { labelMaskOf } from '../access/audience.js';
import { membershipsOf, type Membership } from '../access/circle-memberships.js';
import { compartmentOf, type Compartment } from '../access/compartment.js';
import { collectLinks, urnUuidReferences, type LocatedLink } from '../references.js';
import { attachmentPathsOf, processAttachments, type AttachmentPath, type ExtractedBinary } from './attachments.js';

export type JsonObject = Record<string, unknown>;

export interface PreparedResource {
  type: string;
  id: string;
  resource: JsonObject;
  index: IndexEntry[];
  links: LocatedLink[];
  /** Bytes of a Binary resource (stored beside its JSON, not inside it). */
  blob?: Buffer;
  /** Attachments moved out of the resource, to be written as Binary resources. */
  binaries: ExtractedBinary[];
  compartment: Compartment;
  labelMask: number;
  memberships: Membership[];
}

export class WritePreparer {
  private readonly attachmentPaths = new Map<string, AttachmentPath[]>();

  constructor(private readonly deps: EngineDeps) {}

  private pathsFor(type: string): AttachmentPath[] {
    let paths = this.attachmentPaths.get(type);
    if (!paths) {
      paths = attachmentPathsOf(this.deps.defs, type);
      this.attachmentPaths.set(type, paths);
    }
    return paths;
  }

  /**
   * `resource` is owned by the caller and modified in place. `pathPrefix` locates it in error
   * messages (`DocumentReference`, or `Bundle.entry[2].resource`).
   */
  prepare(resource: JsonObject, type: string, id: string, ctx: RequestContext, pathPrefix = type): PreparedResource {
    resource.id = id;
    const meta = resource.meta as JsonObject | undefined;
    if (meta && typeof meta === 'object' && !Array.isArray(meta)) {
      delete meta.versionId;
      delete meta.lastUpdated;
      if (Object.keys(meta).length === 0) delete resource.meta;
    }
    const { structural, profile } = this.deps.validator.validate(resource, pathPrefix);
    if (structural.length > 0) throw new FhirError(400, structural);
    if (profile.length > 0) throw new FhirError(422, profile);
    // Inside a transaction they were rewritten to the entries' resources; anywhere else they resolve to nothing.
    const unresolved = NON_HOLDING_TYPES.has(type) ? [] : urnUuidReferences(resource, pathPrefix);
    if (unresolved.length > 0) {
      throw errors.unprocessable(
        unresolved.map((path) => issue('not-found', `${path}: a urn:uuid: reference only resolves to an entry of the same transaction Bundle; reference a resource of this server as Type/id`, path)),
      );
    }

    let blob: Buffer | undefined;
    if (type === 'Binary' && typeof resource.data === 'string') {
      blob = Buffer.from(resource.data, 'base64');
      delete resource.data;
    }
    const att = processAttachments(
      resource,
      this.pathsFor(type),
      this.deps.options.inlineAttachmentMaxBytes,
      (binaryId) => `${ctx.baseUrl}/Binary/${binaryId}`,
      pathPrefix,
    );
    if (att.issues.length > 0) throw errors.unprocessable(att.issues);

    const prepared: PreparedResource = {
      type,
      id,
      resource,
      index: this.deps.indexer.extract(resource),
      links: NON_HOLDING_TYPES.has(type) ? [] : collectLinks(resource, pathPrefix),
      binaries: att.binaries,
      compartment: compartmentOf(resource),
      labelMask: labelMaskOf(resource),
      memberships: membershipsOf(resource),
    };
    if (blob) prepared.blob = blob;
    return prepared;
  }
}

/** The Binary resource holding an attachment moved out of `owner`. */
export function binaryResourceFor(b: ExtractedBinary, ownerType: string, ownerId: string): JsonObject {
  return {
    resourceType: 'Binary',
    id: b.id,
    contentType: b.contentType,
    securityContext: { reference: `${ownerType}/${ownerId}` },
  };
}

/** Serializes a resource with server-owned meta (id first, then meta, then the rest). */
export function finalizeJson(resource: JsonObject, version: number, lastUpdated: string): string {
  const { resourceType, id, meta, ...rest } = resource;
  const finalMeta = { versionId: String(version), lastUpdated, ...(meta as JsonObject | undefined) };
  return JSON.stringify({ resourceType, id, meta: finalMeta, ...rest });
}
