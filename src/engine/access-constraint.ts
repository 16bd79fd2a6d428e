/**
 * The authorization seam of every read: constraints the security layer adds to a query, which
 * storage adapters compile INTO their SQL (main query, includes, chains, totals, history) so
 * that paging and counts stay exact and nothing hidden influences a result.
 *
 * Empty (`{}`) means "no restriction" (system callers, or while authentication is off).
 */
export interface AccessConstraint {
  /**
   * Only resources in the notebooks (patient compartments) of these patients (`Patient/<id>`
   * references); undefined = no compartment restriction.
   */
  patients?: string[];
}
