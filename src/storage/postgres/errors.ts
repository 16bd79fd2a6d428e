/**
 * Errors of the PostgreSQL adapter that callers must tell apart from bugs: the database being
 * unreachable (connection refused or lost, server shutting down or starting, pool exhausted) and
 * transient contention aborts (deadlock, serialization failure). Both mean "try again shortly":
 * the HTTP layer answers 503 with Retry-After. The original error stays in `cause` (never sent
 * to clients).
 */

export type UnavailableReason = 'connection' | 'contention';

export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
  constructor(
    readonly reason: UnavailableReason,
    cause: unknown,
  ) {
    super(reason === 'connection' ? 'The database is unavailable' : 'The database aborted a transaction under contention', { cause });
  }
}

/** SQLSTATE classes/codes meaning the connection or server is (temporarily) gone. */
const CONNECTION_STATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovery)
  '53300', // too_many_connections
  '58030', // io_error
]);
const CONTENTION_STATES = new Set(['40001', '40P01', '55P03']); // serialization_failure, deadlock_detected, lock_not_available
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Client was closed and is not queryable/i,
  /terminating connection/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

/** Classifies an error thrown by `pg`; undefined when it is not a transient one. */
export function unavailableReason(e: unknown): UnavailableReason | undefined {
  if (e instanceof StorageUnavailableError) return e.reason;
  if (e === null || typeof e !== 'object') return undefined;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (CONTENTION_STATES.has(code)) return 'contention';
    if (CONNECTION_STATES.has(code) || code.startsWith('08') || SOCKET_CODES.has(code)) return 'connection';
  }
  const message = (e as { message?: unknown }).message;
  if (typeof message === 'string' && MESSAGES.some((m) => m.test(message))) return 'connection';
  return undefined;
}

/**
 * True when `e` means "the database is unavailable right now, retry later" (HTTP 503 with
 * Retry-After). Works on the adapter's own `StorageUnavailableError` and on raw `pg` errors.
 */
export function isUnavailableError(e: unknown): e is Error {
  return unavailableReason(e) !== undefined;
}

/** Rethrows `e`, wrapped in a StorageUnavailableError when it is a transient database error. */
export function translateError(e: unknown): never {
  if (e instanceof StorageUnavailableError) throw e;
  const reason = unavailableReason(e);
  if (reason !== undefined) throw new StorageUnavailableError(reason, e);
  throw e;
}
