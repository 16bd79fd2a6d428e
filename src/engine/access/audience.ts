/**
 * Audience restrictions of the CdL (securityLabel from JDV_J110 / TRE_A07) as a bit mask, so
 * storage can test them inside its queries (`(label_mask & hidden) = 0`).
 */
import { visibilityStatus } from '../../fhir/terminology.js';

export const LABEL_BITS = {
  MASQUE_PS: 1,
  MASQUE_PSOCIAL: 2,
  MASQUE_PT: 4,
  INVISIBLE_PATIENT: 8,
  INVISIBLE_REPRESENTANTS_LEGAUX: 16,
} as const;

export type LabelCode = keyof typeof LABEL_BITS;

/** Every audience bit: a caller that may see no restricted note at all is hidden this mask. */
export const ALL_LABELS = Object.values(LABEL_BITS).reduce((a, b) => a | b, 0);

interface Coding {
  system?: string;
  code?: string;
}

/** The mask of the TRE_A07 codes in a resource's `securityLabel` (0 when unrestricted). */
export function labelMaskOf(resource: Record<string, unknown>): number {
  const labels = resource.securityLabel;
  if (!Array.isArray(labels)) return 0;
  let mask = 0;
  for (const cc of labels as Array<{ coding?: Coding[] }>) {
    for (const c of cc?.coding ?? []) {
      if (c.system === visibilityStatus.url && c.code && c.code in LABEL_BITS) mask |= LABEL_BITS[c.code as LabelCode];
    }
  }
  return mask;
}
