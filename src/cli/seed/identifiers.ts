/**
 * Valid-looking French identifiers (fictitious): NIR / NIA (INS), RPPS, FINESS. Check keys are
 * computed as the real schemes do, so they pass format checks; values are unique within a data set
 * (drawn through a permutation of the entity index), not registered anywhere.
 */
import { Permutation } from './random.js';

/** Luhn check digit of a digit string. */
export function luhnKey(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function isLuhnValid(digits: string): boolean {
  return luhnKey(digits.slice(0, -1)) === Number(digits.slice(-1));
}

/** NIR key: 97 - (the 13 digits modulo 97). */
export function nirKey(thirteen: string): string {
  // A 13-digit number (< 1e13) is exact as a double.
  return String(97 - (Number(thirteen) % 97)).padStart(2, '0');
}

export function isNirValid(nir: string): boolean {
  return /^[12378]\d{14}$/.test(nir) && nirKey(nir.slice(0, 13)) === nir.slice(13);
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Metropolitan département numbers usable in a NIR (Corsica's 2A/2B left out). */
const NIR_DEPARTMENTS: readonly string[] = Array.from({ length: 95 }, (_, i) => pad(i + 1, 2)).filter((d) => d !== '20');

export interface Birth {
  /** 1 male, 2 female (first digit of the NIR). */
  sex: 1 | 2;
  year: number;
  month: number;
}

/**
 * NIR numbers: sex, year and month of birth, then a unique (département, commune, order) triple
 * for each patient index, then the key. 15 digits.
 */
export class NirFactory {
  private readonly perm: Permutation;
  private static readonly SPAN = NIR_DEPARTMENTS.length * 999 * 999;

  constructor(seed: number, stream = 'nir') {
    this.perm = new Permutation(NirFactory.SPAN, seed, stream);
  }

  /** `firstDigit` overrides the sex digit (7/8 for a temporary number). */
  make(index: number, birth: Birth, firstDigit?: number): string {
    const x = this.perm.map(index);
    const dept = NIR_DEPARTMENTS[Math.floor(x / (999 * 999))]!;
    const commune = 1 + (Math.floor(x / 999) % 999);
    const order = 1 + (x % 999);
    const head = `${firstDigit ?? birth.sex}${pad(birth.year % 100, 2)}${pad(birth.month, 2)}${dept}${pad(commune, 3)}${pad(order, 3)}`;
    return head + nirKey(head);
  }
}

/** RPPS numbers: `10` + 8 digits + Luhn key (11 digits), unique per professional index. */
export class RppsFactory {
  private readonly perm: Permutation;

  constructor(seed: number) {
    this.perm = new Permutation(90_000_000, seed, 'rpps');
  }

  make(index: number): string {
    const body = `10${pad(10_000_000 + this.perm.map(index), 8)}`;
    return body + luhnKey(body);
  }
}

/** FINESS numbers: département (2) + category digit + 5 digits + Luhn key (9 digits). */
export class FinessFactory {
  private readonly perm: Permutation;

  constructor(seed: number) {
    this.perm = new Permutation(100_000, seed, 'finess');
  }

  make(index: number, department: string, categoryDigit: number): string {
    const body = `${department}${categoryDigit}${pad(this.perm.map(index), 5)}`;
    return body + luhnKey(body);
  }
}

/** The national professional id (idNatPS) of an RPPS-registered professional: `8` + RPPS. */
export const idNatPsOfRpps = (rpps: string): string => `8${rpps}`;

/** The national structure id (idNatSt) of a FINESS-registered establishment: `1` + FINESS. */
export const idNatStOfFiness = (finess: string): string => `1${finess}`;
