/**
 * Identifier systems, code systems, value sets and codes of the CI-SIS liaison notebook
 * (IG ans.fhir.fr.cdl 3.0.0) and of the national repositories it relies on. One place for them.
 */

export const CDL_CANONICAL = 'https://interop.esante.gouv.fr/ig/fhir/cdl';

export const profiles = {
  documentReference: `${CDL_CANONICAL}/StructureDefinition/cdl-document-reference`,
  bundleCreationNote: `${CDL_CANONICAL}/StructureDefinition/cdl-bundle-creation-note`,
  bundleMajNote: `${CDL_CANONICAL}/StructureDefinition/cdl-bundle-maj-note`,
  bundleSearchResult: `${CDL_CANONICAL}/StructureDefinition/cdl-bundle-resultat-recherche-notes`,
  capabilityStatement: `${CDL_CANONICAL}/CapabilityStatement/GestionnaireCdL`,
} as const;

export const extensions = {
  isEmergency: `${CDL_CANONICAL}/StructureDefinition/cdl-ext-is-emergency`,
} as const;

/** Identifier systems of the actors. */
export const identifierSystems = {
  /** RPPS / ADELI national professional id (idNatPS). */
  nationalProfessional: 'urn:oid:1.2.250.1.71.4.2.1',
  /** National structure id (idNatSt), FINESS. */
  nationalStructure: 'urn:oid:1.2.250.1.71.4.2.2',
  siret: 'https://sirene.fr',
  insNir: 'urn:oid:1.2.250.1.213.1.4.8',
  insNia: 'urn:oid:1.2.250.1.213.1.4.9',
  insNirTest: 'urn:oid:1.2.250.1.213.1.4.10',
} as const;

export interface CodeSystemInfo {
  url: string;
  oid: string;
  codes: Record<string, string>;
}

/** TRE_R234-TypeNote: the note types (value set JDV_J23-TypeNoteCahierLiaison-CISIS). */
export const typeNote: CodeSystemInfo = {
  url: 'https://mos.esante.gouv.fr/NOS/TRE_R234-TypeNote/FHIR/TRE-R234-TypeNote',
  oid: '1.2.250.1.213.1.1.4.334',
  codes: {
    'DEM-AVIS': "Demande d'avis",
    GEN: 'Note générale',
    INST: 'Instruction',
    INTERV: "Note d'intervention",
    OBS: "Note d'observation",
  },
};

/** TRE_A07-StatutVisibiliteDocument: audience restrictions (value set JDV_J110). */
export const visibilityStatus: CodeSystemInfo = {
  url: 'https://mos.esante.gouv.fr/NOS/TRE_A07-StatutVisibiliteDocument/FHIR/TRE-A07-StatutVisibiliteDocument',
  oid: '1.2.250.1.213.1.1.4.13',
  codes: {
    MASQUE_PS: 'Masqué aux professionnels de santé',
    MASQUE_PSOCIAL: 'Masqué aux professionnels du secteur social',
    MASQUE_PT: 'Masqué aux personnes tierces',
    INVISIBLE_PATIENT: 'Non visible par le patient',
    INVISIBLE_REPRESENTANTS_LEGAUX: 'Non visible par les représentants légaux du patient',
  },
};

export const professionSante = {
  url: 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante',
  oid: '1.2.250.1.71.1.2.7',
} as const;

export const professionSocial = {
  url: 'https://mos.esante.gouv.fr/NOS/TRE_R94-ProfessionSocial/FHIR/TRE-R94-ProfessionSocial',
} as const;

export const valueSets = {
  typeNote: {
    url: 'https://mos.esante.gouv.fr/NOS/JDV_J23-TypeNoteCahierLiaison-CISIS/FHIR/JDV-J23-TypeNoteCahierLiaison-CISIS',
    oid: '1.2.250.1.213.1.1.5.98',
    system: typeNote,
  },
  visibility: {
    url: 'https://mos.esante.gouv.fr/NOS/JDV_J110-StatutVisibiliteDocument-CISIS/FHIR/JDV-J110-StatutVisibiliteDocument-CISIS',
    system: visibilityStatus,
  },
} as const;

/** Actor resource types allowed as a note's author by the CdL profile. */
export const noteAuthorTypes = ['Device', 'RelatedPerson', 'Patient', 'Practitioner', 'PractitionerRole', 'Organization'] as const;

/**
 * Aliases accepted for a code system in token searches: its OID as `urn:oid:…`, and the OID of the
 * IG's value set that draws from it (the IG's own example query uses that one).
 * Maps alias → canonical code system URL.
 */
export const systemAliases: ReadonlyMap<string, string> = new Map([
  [`urn:oid:${typeNote.oid}`, typeNote.url],
  [`urn:oid:${valueSets.typeNote.oid}`, typeNote.url],
  [valueSets.typeNote.url, typeNote.url],
  [`urn:oid:${visibilityStatus.oid}`, visibilityStatus.url],
  [valueSets.visibility.url, visibilityStatus.url],
  [`urn:oid:${professionSante.oid}`, professionSante.url],
]);

/** The canonical system for a token search system (alias resolved), unchanged when not an alias. */
export function canonicalSystem(system: string): string {
  return systemAliases.get(system) ?? system;
}
