/**
 * Bundles composed as JSON text, so stored resources are embedded as-is (never parsed and
 * re-serialized on the read path).
 */

export interface BundleLink {
  relation: string;
  url: string;
}

export interface EntryParts {
  fullUrl?: string;
  /** Stored JSON text of the resource. */
  resourceJson?: string;
  /** Other entry elements (search, request, response), serialized after the resource. */
  rest?: Record<string, unknown>;
}

export function entryJson(e: EntryParts): string {
  const parts: string[] = [];
  if (e.fullUrl !== undefined) parts.push(`"fullUrl":${JSON.stringify(e.fullUrl)}`);
  if (e.resourceJson !== undefined) parts.push(`"resource":${e.resourceJson}`);
  if (e.rest) for (const [k, v] of Object.entries(e.rest)) if (v !== undefined) parts.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
  return `{${parts.join(',')}}`;
}

export function bundleJson(header: { type: string; id?: string; timestamp?: string; total?: number; link?: BundleLink[] }, entries: string[]): string {
  const head: Record<string, unknown> = { resourceType: 'Bundle' };
  if (header.id !== undefined) head.id = header.id;
  head.type = header.type;
  if (header.timestamp !== undefined) head.timestamp = header.timestamp;
  if (header.total !== undefined) head.total = header.total;
  if (header.link && header.link.length > 0) head.link = header.link;
  const start = JSON.stringify(head).slice(0, -1);
  return entries.length === 0 ? `${start}}` : `${start},"entry":[${entries.join(',')}]}`;
}
