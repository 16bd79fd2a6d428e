/**
 * Compiles an AccessConstraint to a SQL predicate over a `resources` row (alias), with `?`
 * placeholders. Shared by the SQLite and PostgreSQL adapters (the SQL is portable).
 *
 * A dependent resource (Binary, Provenance: `owner_rid` set) is visible when its owner is (a
 * Provenance also once its owner is deleted, a Binary not).
 * A primary resource is visible when its notebook is open to the caller (directory resources
 * always are), its audience labels are not hidden from the caller unless the caller authored
 * it, and it is not an AuditEvent for a non-auditor.
 */
import type { AccessConstraint, ResourceRef } from '../engine/access-constraint.js';

export interface AccessSql {
  sql: string;
  params: unknown[];
}

export interface AccessSqlOptions {
  /** Id of the DocumentReference `author` search parameter (authorship override of labels). */
  authorPid: number;
  /** SQL expression of extra label bits to honour (a history version's own labels). */
  versionMask?: string;
}

function refsCondition(alias: string, typeCol: string, idCol: string, refs: ResourceRef[]): AccessSql {
  if (refs.length === 0) return { sql: 'FALSE', params: [] };
  return {
    sql: `(${refs.map(() => `(${alias}.${typeCol} = ? AND ${alias}.${idCol} = ?)`).join(' OR ')})`,
    params: refs.flatMap((r) => [r.type, r.id]),
  };
}

function primary(access: AccessConstraint, x: string, o: AccessSqlOptions, versionMask: string | undefined): AccessSql {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (access.circle) {
    const c = access.circle;
    const members = refsCondition('c', 'member_type', 'member_id', c.members);
    const open: string[] = [];
    if (c.patients.length > 0) open.push(`${x}.patient_id IN (${c.patients.map(() => '?').join(',')})`);
    open.push(`${x}.patient_id IN (SELECT c.patient_id FROM circle c WHERE ${members.sql} AND c.start <= ? AND c.end >= ?)`);
    // NULL = directory resource (visible); '' = restricted (never in a circle).
    parts.push(`(${x}.patient_id IS NULL OR (${x}.patient_id <> '' AND (${open.join(' OR ')})))`);
    params.push(...c.patients, ...members.params, c.at, c.at);
  }
  if (access.hiddenLabels) {
    const mask = versionMask ? `(${x}.label_mask | ${versionMask})` : `${x}.label_mask`;
    const authors = refsCondition('au', 'target_type', 'target_id', access.authors ?? []);
    parts.push(`((${mask} & ?) = 0 OR EXISTS (SELECT 1 FROM sp_reference au WHERE au.rid = ${x}.rid AND au.pid = ? AND ${authors.sql}))`);
    params.push(access.hiddenLabels, o.authorPid, ...authors.params);
  }
  if (access.auditor === false) parts.push(`${x}.type <> 'AuditEvent'`);
  return { sql: parts.length > 0 ? parts.join(' AND ') : 'TRUE', params };
}

/** The predicate for rows of `resources` aliased `a`, or undefined when unrestricted. */
export function accessPredicate(access: AccessConstraint | undefined, a: string, o: AccessSqlOptions): AccessSql | undefined {
  if (!access || (access.circle === undefined && !access.hiddenLabels && access.auditor !== false)) return undefined;
  const own = primary(access, a, o, o.versionMask);
  const owner = primary(access, 'ow', o, undefined);
  return {
    // A deleted note's Binaries go with it; its Provenances stay (the deletion stays traceable), under the note's rules.
    sql: `(CASE WHEN ${a}.owner_rid IS NULL THEN (${own.sql}) ELSE EXISTS (SELECT 1 FROM resources ow WHERE ow.rid = ${a}.owner_rid AND (ow.deleted = 0 OR ${a}.type = 'Provenance') AND ${owner.sql}) END)`,
    params: [...own.params, ...owner.params],
  };
}
