/**
 * Micro-benchmark of the validator (a script, not a test): microseconds per validation of the IG
 * example note (DocumentReference of example/Bundle-cdl-bundle-creation-note.json, IG
 * ans.fhir.fr.cdl 3.0.0, CC0), after warm-up.
 *
 *   node --import tsx src/fhir/validation/validate-bench.ts [iterations]
 */
import { defaultDefinitionsCacheDir, loadDefinitions } from '../definitions/load.js';
import { createValidator } from './index.js';
import { createStructureValidator } from './structure-validator.js';

/** The IG example note, as published. */
const IG_EXAMPLE_NOTE_JSON = "{\"resourceType\":\"DocumentReference\",\"id\":\"04886b69-ef36-4584-819e-4590cd3888a4\",\"meta\":{\"profile\":[\"https://interop.esante.gouv.fr/ig/fhir/cdl/StructureDefinition/cdl-document-reference\"]},\"text\":{\"status\":\"generated\",\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\"><a name=\\\"DocumentReference_04886b69-ef36-4584-819e-4590cd3888a4\\\"> </a><p class=\\\"res-header-id\\\"><b>Generated Narrative: DocumentReference 04886b69-ef36-4584-819e-4590cd3888a4</b></p><a name=\\\"04886b69-ef36-4584-819e-4590cd3888a4\\\"> </a><a name=\\\"hc04886b69-ef36-4584-819e-4590cd3888a4\\\"> </a><a name=\\\"04886b69-ef36-4584-819e-4590cd3888a4-en-US\\\"> </a><p><b>status</b>: Current</p><p><b>type</b>: <span title=\\\"Codes:{https://mos.esante.gouv.fr/NOS/TRE_R234-TypeNote/FHIR/TRE-R234-TypeNote DEM-AVIS}\\\">Demande d'avis</span></p><p><b>subject</b>: <a href=\\\"Patient-0d920958-b596-4b91-af67-9bafc707820b.html\\\">Michel ROUBINOWITZ</a></p><p><b>date</b>: 2019-03-04 08:30:00+1100</p><p><b>author</b>: </p><ul><li><a href=\\\"Bundle-cdl-bundle-creation-note.html#Practitioner_85652218-ea45-426f-916e-6ca5ea8dd5e1\\\">Bundle: type = transaction</a></li><li><a href=\\\"Bundle-cdl-bundle-creation-note.html#PractitionerRole_f380b0fd-23c2-415a-b367-53e707ef91e2\\\">Mme Sophie Brooks (infirmier)</a></li></ul><blockquote><p><b>content</b></p><h3>Attachments</h3><table class=\\\"grid\\\"><tr><td style=\\\"display: none\\\">-</td><td><b>ContentType</b></td><td><b>Language</b></td><td><b>Data</b></td></tr><tr><td style=\\\"display: none\\\">*</td><td>text/plain</td><td>French</td><td><code>TWFtYW4gZXN0IGZhdGlndellLiBFbGxlIG4nYSBwYXMgdm91bHUgc29ydGlyIGNlIG1hdGluLg==</code></td></tr></table></blockquote></div>\"},\"status\":\"current\",\"type\":{\"coding\":[{\"system\":\"https://mos.esante.gouv.fr/NOS/TRE_R234-TypeNote/FHIR/TRE-R234-TypeNote\",\"code\":\"DEM-AVIS\",\"display\":\"Demande d'avis\"}]},\"subject\":{\"reference\":\"Patient/0d920958-b596-4b91-af67-9bafc707820b\",\"display\":\"Michel ROUBINOWITZ\"},\"date\":\"2019-03-04T08:30:00+11:00\",\"author\":[{\"reference\":\"Practitioner/85652218-ea45-426f-916e-6ca5ea8dd5e1\"},{\"reference\":\"PractitionerRole/f380b0fd-23c2-415a-b367-53e707ef91e2\",\"display\":\"Mme Sophie Brooks (infirmier)\"}],\"content\":[{\"attachment\":{\"contentType\":\"text/plain\",\"language\":\"fr\",\"data\":\"TWFtYW4gZXN0IGZhdGlndellLiBFbGxlIG4nYSBwYXMgdm91bHUgc29ydGlyIGNlIG1hdGluLg==\"}}]}";

/** Runs `run` in 5 rounds after warm-up; prints the best and the median round, in µs per call. */
function bench(label: string, iterations: number, run: () => number): void {
  for (let i = 0; i < Math.min(iterations, 20_000); i++) run();
  const perRound = Math.max(1, Math.floor(iterations / 5));
  const rounds: number[] = [];
  let issues = 0;
  for (let r = 0; r < 5; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) issues += run();
    rounds.push(Number(process.hrtime.bigint() - start) / perRound / 1000);
  }
  rounds.sort((a, b) => a - b);
  const best = rounds[0]!.toFixed(2).padStart(6);
  const median = rounds[2]!.toFixed(2).padStart(6);
  console.log(`${label.padEnd(44)} best ${best} µs, median ${median} µs per validation (${issues / (perRound * 5)} issues)`);
}

const iterations = Number(process.argv[2] ?? 100_000);
const defs = loadDefinitions(defaultDefinitionsCacheDir());
const note = JSON.parse(IG_EXAMPLE_NOTE_JSON) as Record<string, unknown>;
const withoutNarrative = { ...note };
delete withoutNarrative.text;

const structure = createStructureValidator(defs);
const full = createValidator(defs, { cdlProfile: true });
console.log(`IG example note: ${IG_EXAMPLE_NOTE_JSON.length} bytes of JSON, ${iterations} iterations`);
bench('structure (base R4)', iterations, () => structure.validate(note).length);
bench('structure + CdL profile', iterations, () => full.validate(note).length);
bench('structure + CdL profile, without narrative', iterations, () => full.validate(withoutNarrative).length);
bench('JSON.parse + structure + CdL (for scale)', iterations, () => full.validate(JSON.parse(IG_EXAMPLE_NOTE_JSON)).length);
