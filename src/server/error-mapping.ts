/** Maps any error thrown while handling a request to a FhirError (never leaking internals). */
import { errors, FhirError } from '../fhir/errors.js';
import { isUnavailableError } from '../storage/open-storage.js';

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
}

export function mapError(error: unknown): FhirError {
  if (error instanceof FhirError) return error;
  if (isUnavailableError(error)) return errors.unavailable('The database is temporarily unavailable; retry shortly', 1);
  const e = error as FastifyLikeError;
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.payloadTooLarge('The request body exceeds the configured limit (CDL_BODY_LIMIT)');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.unsupportedMediaType('Unsupported Content-Type; send application/fhir+json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.badRequest('The request body is empty');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return errors.badRequest('The Content-Length header does not match the body');
    default:
      break;
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new FhirError(e.statusCode, [{ severity: 'error', code: 'invalid', diagnostics: 'The request could not be processed' }]);
  }
  return errors.internal();
}
