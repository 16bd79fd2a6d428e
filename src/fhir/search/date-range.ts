/**
 * FHIR date/dateTime/instant text → the inclusive epoch-ms range its precision implies.
 *
 * Time-zone rule: a value with a time and an offset (`Z`, `+01:00`) is converted to UTC; a value
 * WITHOUT an offset — every date-only value (`2013-03-16`, `2013-03`, `1975`) and any dateTime
 * written without one — is taken to be in UTC. (FHIR leaves the zone of such values to the
 * server; UTC keeps the index independent of the host's zone setting.)
 *
 * Precision: year → the whole year, month → the whole month, day → the whole day, minute → the
 * 60 s, seconds → the second, fractional seconds → 1/10, 1/100 or exactly the millisecond
 * (digits beyond the third are truncated).
 */

export const OPEN_START = Number.MIN_SAFE_INTEGER;
export const OPEN_END = Number.MAX_SAFE_INTEGER;

export type DatePrecision = 'year' | 'month' | 'day' | 'minute' | 'second' | 'millisecond';

export interface DateRange {
  /** First millisecond covered (UTC epoch ms). */
  start: number;
  /** Last millisecond covered, inclusive. */
  end: number;
  precision: DatePrecision;
}

const DATE_RE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

const DAY_MS = 86_400_000;

function utcMs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  if (y >= 100) return Date.UTC(y, mo, d, h, mi, s, ms);
  // Date.UTC maps years 0-99 to 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(y, mo, d);
  date.setUTCHours(h, mi, s, ms);
  return date.getTime();
}

function daysInMonth(y: number, mo: number): number {
  return mo === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(mo) ? 30 : 31;
}

/**
 * Parses a FHIR date, dateTime or instant (also the search form with minutes only,
 * `2013-03-16T10:00`). Returns undefined when the text is not such a value or names an
 * impossible date/time. With `spaceAsPlus`, a space before the offset is read as `+` (a query
 * string's `+` decoded as a space).
 */
export function parseDateRange(text: string, spaceAsPlus = false): DateRange | undefined {
  const m = DATE_RE.exec(spaceAsPlus ? text.replace(/ (\d{2}:\d{2})$/, '+$1') : text);
  if (!m) return undefined;
  const y = Number(m[1]);
  if (m[2] === undefined) return { start: utcMs(y, 0, 1), end: utcMs(y + 1, 0, 1) - 1, precision: 'year' };
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) return undefined;
  if (m[3] === undefined) return { start: utcMs(y, mo - 1, 1), end: utcMs(y, mo, 1) - 1, precision: 'month' };
  const d = Number(m[3]);
  if (d < 1 || d > daysInMonth(y, mo)) return undefined;
  if (m[4] === undefined) {
    const start = utcMs(y, mo - 1, d);
    return { start, end: start + DAY_MS - 1, precision: 'day' };
  }
  const h = Number(m[4]);
  const mi = Number(m[5]);
  if (h > 23 || mi > 59) return undefined;
  let offsetMs = 0;
  const tz = m[8];
  if (tz !== undefined && tz !== 'Z') {
    const oh = Number(tz.slice(1, 3));
    const om = Number(tz.slice(4, 6));
    if (oh > 14 || om > 59) return undefined;
    offsetMs = (tz[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  let precision: DatePrecision;
  let s = 0;
  let ms = 0;
  let width: number;
  if (m[6] === undefined) {
    precision = 'minute';
    width = 60_000;
  } else {
    s = Number(m[6]);
    if (s > 59) return undefined;
    const frac = m[7];
    if (frac === undefined) {
      precision = 'second';
      width = 1000;
    } else {
      precision = 'millisecond';
      ms = Number(frac.slice(0, 3).padEnd(3, '0'));
      width = frac.length === 1 ? 100 : frac.length === 2 ? 10 : 1;
    }
  }
  const start = utcMs(y, mo - 1, d, h, mi, s, ms) - offsetMs;
  return { start, end: start + width - 1, precision };
}

/**
 * The range an `ap` (approximately) search value covers: the value's own range widened on both
 * sides by `fraction` (10 %) of the distance between the value and `now`, and by at least one day.
 */
export function approximateRange(range: { start: number; end: number }, now: number, fraction = 0.1): { start: number; end: number } {
  const distance = Math.max(Math.abs(now - range.start), Math.abs(now - range.end));
  const margin = Math.max(DAY_MS, Math.round(distance * fraction));
  return { start: Math.max(OPEN_START, range.start - margin), end: Math.min(OPEN_END, range.end + margin) };
}
