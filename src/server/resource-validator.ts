/** Adapts the FHIR validation modules to the engine's ResourceValidator port. */
import type { ResourceValidator } from '../engine/engine-deps.js';
import type { Definitions } from '../fhir/definitions/model.js';
import { createValidator } from '../fhir/validation/index.js';

/** Base R4 structure for every resource, plus the CdL note and transaction Bundle profiles. */
export function createResourceValidator(defs: Definitions): ResourceValidator {
  const v = createValidator(defs, { cdlProfile: true });
  return {
    validate: (resource, path) => v.validateLayers(resource, path),
    validateTransaction: (bundle) => v.validateTransaction(bundle),
  };
}
