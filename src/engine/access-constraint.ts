/**
 * The authorization seam of every read: constraints the security layer adds to a query, which
 * storage adapters compile INTO their SQL (main query, includes, chains, totals, history, Binary)
 * so that paging and counts stay exact and nothing hidden influences a result.
 *
 * An empty constraint (`{}`) means "no restriction" (system callers, authentication off).
 */

export interface ResourceRef {
  type: string;
  id: string;
}

export interface AccessConstraint {
  /**
   * Present for callers restricted to their circle of care: patient-scoped resources are visible
   * only in the notebooks of `patients` or of patients whose circle lists one of `members` at
   * time `at`; directory resources (practitioners, organizations) stay visible; resources of an
   * unknown notebook are hidden.
   */
  circle?: { members: ResourceRef[]; patients: string[]; at: number };
  /** Audience labels hidden from the caller (LABEL_BITS mask), unless the caller is an author. */
  hiddenLabels?: number;
  /** The caller's references that count as authorship of a note. */
  authors?: ResourceRef[];
  /** When false, AuditEvents are hidden. */
  auditor?: boolean;
}

export const UNRESTRICTED: AccessConstraint = Object.freeze({});

export const isUnrestricted = (a: AccessConstraint | undefined): boolean =>
  a === undefined || (a.circle === undefined && !a.hiddenLabels && a.auditor !== false);
