/**
 * SMART on FHIR scopes: parsing (v2 `user/DocumentReference.cruds`, v1 `user/*.read`) into
 * normalized {@link Scope}s, and the questions the authorization layer asks of them.
 *
 * Rules (conservative: a scope the server does not fully understand grants nothing):
 * - v2: `(patient|user|system)/(Type|*).<perms>` where `<perms>` is a non-empty subsequence of
 *   `cruds` in that order (`rs`, `cud`, `cruds`…). Out-of-order or repeated letters → dropped.
 * - v1: `.read` → `rs`, `.write` → `cud`, `.*` → `cruds` (the SMART v2 equivalences).
 * - A v2 scope with a `?query` restriction (e.g. `patient/Observation.rs?category=laboratory`) is
 *   DROPPED: honouring it without applying its filter would widen the grant.
 * - `openid`, `fhirUser`, `profile`, `email`, `launch`, `launch/…`, `offline_access`,
 *   `online_access` are identity/launch scopes: ignored (they grant no resource access).
 * - Anything else is dropped. Scopes on the same context and type are merged (flags OR-ed).
 */
import type { Scope, ScopeContext } from './principal.js';

export type Interaction = 'create' | 'read' | 'update' | 'delete' | 'search';

const CONTEXTS: readonly ScopeContext[] = ['patient', 'user', 'system'];
const PERMISSION_OF: Record<Interaction, 'c' | 'r' | 'u' | 'd' | 's'> = {
  create: 'c',
  read: 'r',
  update: 'u',
  delete: 'd',
  search: 's',
};
const IDENTITY_SCOPES = new Set(['openid', 'fhirUser', 'profile', 'email', 'launch', 'offline_access', 'online_access']);
const SCOPE_RE = /^(patient|user|system)\/(\*|[A-Z][A-Za-z]{0,63})\.([^?]+)(\?.*)?$/;
const V2_PERMS_RE = /^c?r?u?d?s?$/;

export interface DroppedScope {
  scope: string;
  reason: string;
}

export type ScopeParse =
  | { kind: 'scope'; scope: Scope }
  | { kind: 'ignored' }
  | { kind: 'dropped'; reason: string };

/** Parses one scope string. */
export function parseScope(text: string): ScopeParse {
  if (IDENTITY_SCOPES.has(text) || text.startsWith('launch/')) return { kind: 'ignored' };
  const m = SCOPE_RE.exec(text);
  if (!m) return { kind: 'dropped', reason: 'not a SMART resource scope' };
  const [, context, resourceType, perms, query] = m as unknown as [string, ScopeContext, string, string, string | undefined];
  const flags = permissionFlags(perms);
  if (!flags) return { kind: 'dropped', reason: `unknown permissions '${perms}' (expected a subsequence of 'cruds', or read/write/*)` };
  if (query !== undefined) {
    if (!V2_PERMS_RE.test(perms)) return { kind: 'dropped', reason: 'a SMART v1 scope cannot carry a query' };
    return { kind: 'dropped', reason: 'restricted scopes (?query) are not supported; the scope grants nothing' };
  }
  return { kind: 'scope', scope: { context, resourceType, ...flags } };
}

function permissionFlags(perms: string): Omit<Scope, 'context' | 'resourceType'> | undefined {
  switch (perms) {
    case 'read':
      return { c: false, r: true, u: false, d: false, s: true };
    case 'write':
      return { c: true, r: false, u: true, d: true, s: false };
    case '*':
      return { c: true, r: true, u: true, d: true, s: true };
  }
  if (perms === '' || !V2_PERMS_RE.test(perms)) return undefined;
  return { c: perms.includes('c'), r: perms.includes('r'), u: perms.includes('u'), d: perms.includes('d'), s: perms.includes('s') };
}

/** Splits a `scope` claim (space-separated string) or an `scp` claim (array of strings, or a string). */
export function scopeStrings(input: string | readonly unknown[] | undefined | null): string[] {
  if (input === undefined || input === null) return [];
  const parts = typeof input === 'string' ? input.split(/\s+/) : input.flatMap((s) => (typeof s === 'string' ? s.split(/\s+/) : []));
  return parts.filter((s) => s.length > 0);
}

/** Parses every scope, merging duplicates, and reports the ones that grant nothing although they look like resource scopes. */
export function parseScopesDetailed(input: string | readonly unknown[] | undefined | null): { scopes: Scope[]; dropped: DroppedScope[] } {
  const merged = new Map<string, Scope>();
  const dropped: DroppedScope[] = [];
  for (const text of scopeStrings(input)) {
    const p = parseScope(text);
    if (p.kind === 'dropped') dropped.push({ scope: text, reason: p.reason });
    if (p.kind !== 'scope') continue;
    const key = `${p.scope.context}/${p.scope.resourceType}`;
    const prev = merged.get(key);
    merged.set(
      key,
      prev
        ? { ...prev, c: prev.c || p.scope.c, r: prev.r || p.scope.r, u: prev.u || p.scope.u, d: prev.d || p.scope.d, s: prev.s || p.scope.s }
        : p.scope,
    );
  }
  return { scopes: [...merged.values()], dropped };
}

/** Parses a `scope`/`scp` claim into normalized scopes (see the module comment for what is dropped). */
export function parseScopes(input: string | readonly unknown[] | undefined | null): Scope[] {
  return parseScopesDetailed(input).scopes;
}

function grants(scope: Scope, resourceType: string, interaction: Interaction): boolean {
  return (scope.resourceType === '*' || scope.resourceType === resourceType) && scope[PERMISSION_OF[interaction]];
}

/** True when some scope (in any context) permits the interaction on the resource type. */
export function allows(scopes: readonly Scope[], resourceType: string, interaction: Interaction): boolean {
  return scopes.some((s) => grants(s, resourceType, interaction));
}

/**
 * The contexts (`patient`, `user`, `system`, in that order, without duplicates) whose scopes permit
 * the interaction on the resource type. The authorization layer applies each context's own rule
 * (patient compartment, the user's circle of care, the system client's rights); empty = refused.
 */
export function contextsAllowing(scopes: readonly Scope[], resourceType: string, interaction: Interaction): ScopeContext[] {
  return CONTEXTS.filter((ctx) => scopes.some((s) => s.context === ctx && grants(s, resourceType, interaction)));
}

/**
 * The SMART v2 permission covering a FHIR interaction: `r` covers read, vread and instance history;
 * `u` update and patch; `s` type/system search and type/system history.
 */
export function interactionOf(
  fhirInteraction:
    | 'create'
    | 'read'
    | 'vread'
    | 'update'
    | 'patch'
    | 'delete'
    | 'history-instance'
    | 'history-type'
    | 'history-system'
    | 'search-type'
    | 'search-system',
): Interaction {
  switch (fhirInteraction) {
    case 'create':
      return 'create';
    case 'read':
    case 'vread':
    case 'history-instance':
      return 'read';
    case 'update':
    case 'patch':
      return 'update';
    case 'delete':
      return 'delete';
    case 'history-type':
    case 'history-system':
    case 'search-type':
    case 'search-system':
      return 'search';
  }
}

/** The v2 text of a scope, e.g. `user/DocumentReference.rs` (for logs and audit). */
export function formatScope(scope: Scope): string {
  const perms = (['c', 'r', 'u', 'd', 's'] as const).filter((k) => scope[k]).join('');
  return `${scope.context}/${scope.resourceType}.${perms}`;
}
