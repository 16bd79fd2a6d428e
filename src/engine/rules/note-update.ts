/**
 * The IG's rule on note updates: an update concerns the note's content and indexing, never its
 * subject nor its authors.
 */
import { errors } from '../../fhir/errors.js';

interface RefHolder {
  subject?: { reference?: string; identifier?: { system?: string; value?: string } };
  author?: Array<{ reference?: string; identifier?: { system?: string; value?: string } }>;
}

const refKey = (r: { reference?: string; identifier?: { system?: string; value?: string } } | undefined): string =>
  r === undefined ? '' : r.reference ?? `${r.identifier?.system ?? ''}|${r.identifier?.value ?? ''}`;

/** Throws 422 when `next` changes the subject or the set of authors of `previous`. */
export function checkNoteUpdate(previous: RefHolder, next: RefHolder, path: string): void {
  if (refKey(previous.subject) !== refKey(next.subject)) {
    throw errors.businessRule(
      `${path}.subject: an update may not change the note's subject (was ${refKey(previous.subject) || 'absent'}); create a new note instead`,
      `${path}.subject`,
    );
  }
  const before = new Set((previous.author ?? []).map(refKey));
  const after = new Set((next.author ?? []).map(refKey));
  const same = before.size === after.size && [...before].every((a) => after.has(a));
  if (!same) {
    throw errors.businessRule(
      `${path}.author: an update may not change the note's authors (${[...before].join(', ')}); create a new note instead`,
      `${path}.author`,
    );
  }
}
