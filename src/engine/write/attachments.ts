/**
 * Attachments of a resource being written: size and SHA-1 hash computed (and checked when the
 * client supplied them), and bytes above the inline limit moved to a Binary so the resource keeps
 * only `attachment.url`.
 */
import { createHash } from 'node:crypto';
import type { Definitions } from '../../fhir/definitions/model.js';
import { issue, type Issue } from '../../fhir/errors.js';
import { newId } from '../resource-ids.js';

/** JSON key paths from the resource root to its Attachment elements (choice keys resolved). */
export type AttachmentPath = string[];

export function attachmentPathsOf(defs: Definitions, type: string): AttachmentPath[] {
  const typeDef = defs.types[type];
  if (!typeDef) return [];
  const paths: AttachmentPath[] = [];
  for (const [path, el] of Object.entries(typeDef.elements)) {
    if (!el.types?.some((t) => t.code === 'Attachment')) continue;
    const segments = path.split('.').slice(1);
    const last = segments[segments.length - 1]!;
    if (last.endsWith('[x]')) segments[segments.length - 1] = `${last.slice(0, -3)}Attachment`;
    paths.push(segments);
  }
  return paths;
}

export interface ExtractedBinary {
  id: string;
  contentType: string;
  data: Buffer;
}

export interface AttachmentResult {
  binaries: ExtractedBinary[];
  issues: Issue[];
}

interface AttachmentJson {
  contentType?: string;
  data?: string;
  url?: string;
  size?: number;
  hash?: string;
}

function visit(node: unknown, segments: string[], at: string, fn: (a: AttachmentJson, path: string) => void): void {
  if (node === null || typeof node !== 'object') return;
  if (segments.length === 0) {
    fn(node as AttachmentJson, at);
    return;
  }
  const [head, ...rest] = segments as [string, ...string[]];
  const child = (node as Record<string, unknown>)[head];
  if (Array.isArray(child)) child.forEach((c, i) => visit(c, rest, `${at}.${head}[${i}]`, fn));
  else if (child !== undefined) visit(child, rest, `${at}.${head}`, fn);
}

/**
 * Processes the attachments in place. `binaryUrl(id)` gives the URL stored in `attachment.url`
 * for an externalized Binary.
 */
export function processAttachments(
  resource: Record<string, unknown>,
  paths: AttachmentPath[],
  inlineMaxBytes: number,
  binaryUrl: (id: string) => string,
  pathPrefix: string,
): AttachmentResult {
  const result: AttachmentResult = { binaries: [], issues: [] };
  for (const segments of paths) {
    visit(resource, segments, pathPrefix, (att, path) => {
      if (typeof att.data !== 'string') return;
      const bytes = Buffer.from(att.data, 'base64');
      const hash = createHash('sha1').update(bytes).digest('base64');
      if (att.size !== undefined && att.size !== bytes.length) {
        result.issues.push(
          issue('value', `${path}.size is ${att.size} but the attachment data holds ${bytes.length} bytes`, `${path}.size`),
        );
      }
      if (att.hash !== undefined && att.hash !== hash) {
        result.issues.push(
          issue('value', `${path}.hash does not match the SHA-1 of the attachment data (expected ${hash})`, `${path}.hash`),
        );
      }
      att.size = bytes.length;
      att.hash = hash;
      if (bytes.length > inlineMaxBytes) {
        const id = newId();
        result.binaries.push({ id, contentType: att.contentType ?? 'application/octet-stream', data: bytes });
        delete att.data;
        att.url = binaryUrl(id);
      }
    });
  }
  return result;
}
