/** Rows of a search result as stored versions. */
import type { StoredVersion } from '../../engine/storage-port.js';

export interface ResourceRow {
  rid: number;
  type: string;
  id: string;
  version: number;
  last_updated: number;
  json: string;
  patient_id: string | null;
}

export const toVersion = (r: ResourceRow): StoredVersion => ({
  type: r.type,
  id: r.id,
  version: r.version,
  lastUpdated: r.last_updated,
  deleted: false,
  json: r.json,
  method: 'PUT',
  patientId: r.patient_id,
});
