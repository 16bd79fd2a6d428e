/**
 * The shape of the seed data set, derived from (seed, notes, patients, until) alone: territories
 * (a city with its establishments and professionals), each person's profile, circle of care and
 * number of notes. Profiles are recomputed on demand from per-entity random streams, so the plan
 * holds only a few arrays (memory stays bounded whatever the number of notes).
 */
import { CITIES, FAMILY_NAMES, GIVEN_OLDER, GIVEN_YOUNGER, RESIDENCES, STREETS, type City } from './french.js';
import {
  ORGANIZATION_TYPES,
  PROFESSIONS,
  RELATIONS,
  type OrganizationKind,
  type Profession,
  type ProfessionKey,
  type RelationKey,
} from './codes.js';
import { FinessFactory, NirFactory, RppsFactory, idNatPsOfRpps, idNatStOfFiness, type Birth } from './identifiers.js';
import { Rng } from './random.js';

export const DAY_MS = 86_400_000;
/** Notes are spread over this many days before `until`. */
export const PERIOD_DAYS = 730;
/** Patients per territory, and patients per professional. */
export const PATIENTS_PER_TERRITORY = 2000;
export const PATIENTS_PER_PROFESSIONAL = 20;
/** One connected scale per this many patients (at least one). */
export const PATIENTS_PER_DEVICE = 100;

export interface PlanOptions {
  seed: number;
  notes: number;
  patients: number;
  /** End of the period covered by the notes (epoch ms). */
  until: number;
}

export type Sex = 'female' | 'male';

export interface Address {
  line: string[];
  city: string;
  postalCode: string;
}

export interface Territory {
  index: number;
  city: City;
  /** Display name of the sector ("Nantes", or "Nantes 2" when a city hosts several). */
  name: string;
  firstPatient: number;
  patientCount: number;
  /** Professionals of the territory per profession: indices [start, start + count). */
  professionals: Record<ProfessionKey, { start: number; count: number }>;
}

export interface ProfessionalProfile {
  index: number;
  territory: number;
  profession: Profession;
  sex: Sex;
  family: string;
  given: string;
  rpps: string;
  idNatPs: string;
  organization: number;
  phone: string;
}

export interface OrganizationProfile {
  index: number;
  territory: number;
  kind: OrganizationKind;
  name: string;
  finess: string;
  idNatSt: string;
  address: Address;
  phone: string;
}

export interface PatientProfile {
  index: number;
  territory: number;
  sex: Sex;
  birthDate: string;
  age: number;
  /** INS: NIR (most) or NIA. */
  ins: { kind: 'NIR' | 'NIA'; value: string };
  family: string;
  given: string[];
  address: Address;
  phone: string;
  /** Professional indices of the circle of care, with their profession. */
  circle: Array<{ professional: number; profession: ProfessionKey }>;
  relativeCount: number;
  /** Index (0-based, among the patient's relatives) of the legal guardian, -1 when none. */
  guardian: number;
  /** Device index of the patient's connected scale, -1 when none. */
  device: number;
  noteCount: number;
  /** Usual weight (kg), for the scale's notes. */
  weightKg: number;
}

export interface RelativeProfile {
  patient: number;
  ordinal: number;
  relation: RelationKey;
  sex: Sex;
  family: string;
  given: string;
  guardian: boolean;
  phone: string;
  address: Address;
}

export interface DeviceProfile {
  index: number;
  patient: number;
  manufacturer: string;
  model: string;
  serialNumber: string;
}

const DEVICE_MODELS: ReadonlyArray<readonly [string, string, string]> = [
  ['Pesaflex Santé', 'Balance connectée BP-210', 'BP2'],
  ['Domisoin Medical', 'DomiScale 3', 'DS3'],
  ['Balanceo', 'Balanceo Connect', 'BLC'],
];

const pad2 = (n: number): string => String(n).padStart(2, '0');

function phone(rng: Rng, mobile: boolean): string {
  const head = mobile ? rng.pick(['06', '07']) : `0${rng.int(1, 5)}`;
  let s = head;
  for (let i = 0; i < 4; i++) s += ` ${pad2(rng.int(0, 99))}`;
  return s;
}

function address(rng: Rng, city: City): Address {
  const line = [`${rng.int(1, 120)}${rng.chance(0.06) ? ' bis' : ''} ${rng.pick(STREETS)}`];
  if (rng.chance(0.2)) line.unshift(`${rng.pick(RESIDENCES)}, appartement ${rng.int(1, 48)}`);
  return { line, city: city.name, postalCode: city.postalCode };
}

function birthDate(rng: Rng, untilYear: number, age: number): { date: string; birth: Omit<Birth, 'sex'> } {
  const year = untilYear - age;
  const month = rng.int(1, 12);
  const day = rng.int(1, 28);
  return { date: `${year}-${pad2(month)}-${pad2(day)}`, birth: { year, month } };
}

export class DataSetPlan {
  readonly seed: number;
  readonly noteTotal: number;
  readonly patientCount: number;
  readonly until: number;
  readonly from: number;
  readonly territories: Territory[] = [];
  readonly professionalCount: number;
  readonly organizationCount: number;
  readonly deviceCount: number;
  private readonly professionalTerritory: Int32Array;
  private readonly professionalProfession: Profession[];
  private readonly patientDevice: Int32Array;
  private readonly devicePatient: Int32Array;
  private readonly noteCounts: Uint32Array;
  private readonly nir: NirFactory;
  private readonly nia: NirFactory;
  private readonly rpps: RppsFactory;
  private readonly finess: FinessFactory;

  constructor(options: PlanOptions) {
    if (!Number.isInteger(options.patients) || options.patients < 1) throw new Error('the data set needs at least one patient');
    if (!Number.isInteger(options.notes) || options.notes < 0) throw new Error('the number of notes must be a non-negative integer');
    this.seed = options.seed;
    this.noteTotal = options.notes;
    this.patientCount = options.patients;
    this.until = options.until;
    this.from = options.until - PERIOD_DAYS * DAY_MS;
    this.nir = new NirFactory(options.seed, 'nir');
    this.nia = new NirFactory(options.seed, 'nia');
    this.rpps = new RppsFactory(options.seed);
    this.finess = new FinessFactory(options.seed);

    // Territories and their professionals.
    const P = options.patients;
    const T = Math.max(1, Math.ceil(P / PATIENTS_PER_TERRITORY));
    const territoryOf: number[] = [];
    const professionOf: Profession[] = [];
    const cityOffset = Rng.for(options.seed, 'cities').int(0, CITIES.length - 1);
    for (let t = 0; t < T; t++) {
      const firstPatient = Math.floor((t * P) / T);
      const patientCount = Math.floor(((t + 1) * P) / T) - firstPatient;
      const city = CITIES[(t + cityOffset) % CITIES.length]!;
      const sector = Math.floor(t / CITIES.length);
      const wanted = Math.max(1, Math.round(patientCount / PATIENTS_PER_PROFESSIONAL));
      const professionals = {} as Territory['professionals'];
      for (const p of PROFESSIONS) {
        const count = Math.max(p.minimum, Math.round(wanted * p.share));
        professionals[p.key] = { start: territoryOf.length, count };
        for (let k = 0; k < count; k++) {
          territoryOf.push(t);
          professionOf.push(p);
        }
      }
      this.territories.push({ index: t, city, name: sector === 0 ? city.name : `${city.name} ${sector + 1}`, firstPatient, patientCount, professionals });
    }
    this.professionalCount = territoryOf.length;
    this.professionalTerritory = Int32Array.from(territoryOf);
    this.professionalProfession = professionOf;
    this.organizationCount = T * ORGANIZATION_TYPES.length;

    // Connected scales, spread evenly over the patients.
    this.deviceCount = Math.max(1, Math.round(P / PATIENTS_PER_DEVICE));
    this.patientDevice = new Int32Array(P).fill(-1);
    this.devicePatient = new Int32Array(this.deviceCount);
    for (let d = 0; d < this.deviceCount; d++) {
      const p = Math.min(P - 1, Math.floor(((d + 0.5) * P) / this.deviceCount));
      this.devicePatient[d] = p;
      this.patientDevice[p] = d;
    }

    // Notes per patient: a heavy-tailed weight per patient (most have a few notes, some many),
    // scaled so that the counts add up to exactly `notes`.
    const weights = new Float64Array(P);
    let total = 0;
    for (let i = 0; i < P; i++) {
      const rng = Rng.for(options.seed, 'note-weight', i);
      let w = Math.exp(1.1 * rng.normal());
      if (rng.chance(0.03)) w *= 4; // closely followed (palliative care, recent discharge...)
      if (this.patientDevice[i]! >= 0) w *= 2; // daily weights
      weights[i] = w;
      total += w;
    }
    this.noteCounts = new Uint32Array(P);
    let cumulative = 0;
    let assigned = 0;
    for (let i = 0; i < P; i++) {
      cumulative += weights[i]!;
      const upTo = i === P - 1 ? options.notes : Math.round((cumulative / total) * options.notes);
      this.noteCounts[i] = Math.max(0, upTo - assigned);
      assigned += this.noteCounts[i]!;
    }
  }

  territoryOfPatient(i: number): number {
    return Math.min(this.territories.length - 1, Math.floor((i * this.territories.length) / this.patientCount));
  }

  noteCount(i: number): number {
    return this.noteCounts[i]!;
  }

  /** The largest number of notes of one patient. */
  maxNotesPerPatient(): number {
    let max = 0;
    for (const c of this.noteCounts) if (c > max) max = c;
    return max;
  }

  organizationIndex(territory: number, kind: OrganizationKind): number {
    return territory * ORGANIZATION_TYPES.length + ORGANIZATION_TYPES.findIndex((o) => o.kind === kind);
  }

  organization(o: number): OrganizationProfile {
    const rng = Rng.for(this.seed, 'organization', o);
    const territory = Math.floor(o / ORGANIZATION_TYPES.length);
    const type = ORGANIZATION_TYPES[o % ORGANIZATION_TYPES.length]!;
    const t = this.territories[territory]!;
    const finess = this.finess.make(o, t.city.department, 0);
    const suffix = type.kind === 'msp' ? rng.pick(['des Tilleuls', 'du Centre', 'Pasteur', 'des Quatre-Vents', 'de la Vallée']) : `de ${t.name}`;
    return {
      index: o,
      territory,
      kind: type.kind,
      name: `${type.label} ${suffix}`,
      finess,
      idNatSt: idNatStOfFiness(finess),
      address: address(rng, t.city),
      phone: phone(rng, false),
    };
  }

  professional(i: number): ProfessionalProfile {
    const rng = Rng.for(this.seed, 'professional', i);
    const profession = this.professionalProfession[i]!;
    const territory = this.professionalTerritory[i]!;
    const femaleShare = profession.key === 'gp' ? 0.5 : profession.key === 'physio' ? 0.5 : 0.85;
    const sex: Sex = rng.chance(femaleShare) ? 'female' : 'male';
    const rpps = this.rpps.make(i);
    return {
      index: i,
      territory,
      profession,
      sex,
      family: rng.pick(FAMILY_NAMES),
      given: rng.pick(GIVEN_YOUNGER[sex]),
      rpps,
      idNatPs: idNatPsOfRpps(rpps),
      organization: this.organizationIndex(territory, profession.organization),
      phone: phone(rng, rng.chance(0.6)),
    };
  }

  patient(i: number): PatientProfile {
    const rng = Rng.for(this.seed, 'patient', i);
    const territory = this.territoryOfPatient(i);
    const t = this.territories[territory]!;
    const sex: Sex = rng.chance(0.62) ? 'female' : 'male';
    const age = rng.weighted<[number, number]>([
      [[75, 99], 78],
      [[60, 74], 14],
      [[20, 59], 8],
    ]);
    const years = rng.int(age[0], age[1]);
    const { date, birth } = birthDate(rng, new Date(this.until).getUTCFullYear(), years);
    const nia = rng.chance(0.02);
    const insValue = nia ? this.nia.make(i, { sex: sex === 'male' ? 1 : 2, ...birth }) : this.nir.make(i, { sex: sex === 'male' ? 1 : 2, ...birth });
    const given = [rng.pick(GIVEN_OLDER[sex])];
    if (rng.chance(0.3)) {
      const second = rng.pick(GIVEN_OLDER[sex]);
      if (second !== given[0]) given.push(second);
    }
    const family = rng.pick(FAMILY_NAMES);

    // Circle of care: a GP always; the others depending on the person's needs.
    const circle: PatientProfile['circle'] = [];
    const take = (key: ProfessionKey, n: number) => {
      const slot = t.professionals[key];
      if (slot.count === 0 || n === 0) return;
      const first = rng.int(0, slot.count - 1);
      for (let k = 0; k < Math.min(n, slot.count); k++) circle.push({ professional: slot.start + ((first + k) % slot.count), profession: key });
    };
    take('gp', 1);
    if (rng.chance(0.75)) take('nurse', rng.chance(0.2) ? 2 : 1);
    if (rng.chance(0.3)) take('physio', 1);
    if (rng.chance(0.05)) take('ot', 1);
    if (rng.chance(0.55)) take('homeHelp', rng.chance(0.25) ? 2 : 1);
    if (rng.chance(0.1)) take('aes', 1);
    if (rng.chance(0.25)) take('socialWorker', 1);

    const relativeCount = rng.chance(0.5) ? rng.weighted<number>([[1, 60], [2, 30], [3, 10]]) : 0;
    const guardian = relativeCount > 0 && rng.chance(0.1) ? 0 : -1;
    const weightKg = Math.round((sex === 'female' ? 62 : 74) + 9 * rng.normal());
    return {
      index: i,
      territory,
      sex,
      birthDate: date,
      age: years,
      ins: { kind: nia ? 'NIA' : 'NIR', value: insValue },
      family,
      given,
      address: address(rng, t.city),
      phone: phone(rng, rng.chance(0.3)),
      circle,
      relativeCount,
      guardian,
      device: this.patientDevice[i]!,
      noteCount: this.noteCounts[i]!,
      weightKg: Math.max(38, Math.min(120, weightKg)),
    };
  }

  relative(patient: PatientProfile, ordinal: number): RelativeProfile {
    const rng = Rng.for(this.seed, 'relative', patient.index * 4 + ordinal);
    let relation: RelationKey;
    if (ordinal === 0 && patient.age < 93 && rng.chance(0.3)) relation = 'SPS';
    else relation = rng.weighted<RelationKey>([['DAU', 40], ['SON', 35], ['NIECE', 5], ['NEPHEW', 5], ['GRNDDAU', 8], ['GRNDSON', 7]]);
    const sex: Sex = relation === 'SPS' ? (patient.sex === 'female' ? 'male' : 'female') : RELATIONS[relation].female ? 'female' : 'male';
    const keepsName = relation === 'SPS' || relation === 'SON' || (relation !== 'NIECE' && relation !== 'NEPHEW' && rng.chance(0.5));
    const given = relation === 'SPS' ? rng.pick(GIVEN_OLDER[sex]) : rng.pick(GIVEN_YOUNGER[sex]);
    const territory = this.territories[patient.territory]!;
    return {
      patient: patient.index,
      ordinal,
      relation,
      sex,
      family: keepsName ? patient.family : rng.pick(FAMILY_NAMES),
      given,
      // A spouse is not a "legal guardian" here; the guardian is the first relative otherwise.
      guardian: patient.guardian === ordinal && relation !== 'SPS',
      phone: phone(rng, true),
      address: relation === 'SPS' ? patient.address : address(rng, rng.chance(0.6) ? territory.city : rng.pick(CITIES)),
    };
  }

  device(d: number): DeviceProfile {
    const rng = Rng.for(this.seed, 'device', d);
    const [manufacturer, model, prefix] = rng.pick(DEVICE_MODELS);
    return {
      index: d,
      patient: this.devicePatient[d]!,
      manufacturer,
      model,
      serialNumber: `${prefix}-${String(this.seed % 1000).padStart(3, '0')}-${String(d + 1).padStart(6, '0')}`,
    };
  }
}
