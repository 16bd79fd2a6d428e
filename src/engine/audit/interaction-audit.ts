/** The AuditEvents describing one interaction (one per patient concerned, BALP). */
import { isFhirError } from '../../fhir/errors.js';
import type { Caller } from '../access/caller.js';
import type { FhirRequest, FhirResponse } from '../fhir-request.js';
import type { Operation } from '../operation.js';
import { auditEventFor, type AuditRecord } from './audit-event.js';

const INTERACTION: Record<Operation['kind'], { code: string; action: AuditRecord['action'] }> = {
  capabilities: { code: 'capabilities', action: 'R' },
  bundle: { code: 'transaction', action: 'E' },
  'history-system': { code: 'history-system', action: 'R' },
  'search-system': { code: 'search-system', action: 'E' },
  'search-type': { code: 'search-type', action: 'E' },
  create: { code: 'create', action: 'C' },
  'conditional-delete': { code: 'delete', action: 'D' },
  'history-type': { code: 'history-type', action: 'R' },
  read: { code: 'read', action: 'R' },
  update: { code: 'update', action: 'U' },
  delete: { code: 'delete', action: 'D' },
  'history-instance': { code: 'history-instance', action: 'R' },
  vread: { code: 'vread', action: 'R' },
};

function requestedResource(op: Operation | undefined, req: FhirRequest): string {
  if (op && 'id' in op) return 'vid' in op ? `${op.type}/${op.id}/_history/${op.vid}` : `${op.type}/${op.id}`;
  return req.path.join('/') || '/';
}

export function auditEventsFor(
  op: Operation | undefined,
  req: FhirRequest,
  outcome: FhirResponse | unknown,
  caller: Caller | undefined,
  clientAddress: string | undefined,
  recorded: string,
): Array<Record<string, unknown>> {
  const isResponse = (o: unknown): o is FhirResponse => typeof o === 'object' && o !== null && 'status' in o && 'headers' in o && !isFhirError(o);
  const response = isResponse(outcome) ? outcome : undefined;
  const status = response?.status ?? (isFhirError(outcome) ? outcome.status : 500);
  const kind = op ? INTERACTION[op.kind] : { code: req.method.toLowerCase(), action: 'E' as const };
  const code = op?.kind === 'bundle' && (req.body as { type?: string } | undefined)?.type === 'batch' ? 'batch' : kind.code;
  const base: AuditRecord = {
    interaction: code,
    action: kind.action,
    recorded,
    status,
    caller,
    resources: response?.audit?.resources ?? [requestedResource(op, req)],
  };
  if (clientAddress) base.clientAddress = clientAddress;
  if (isFhirError(outcome)) base.outcomeDesc = outcome.issues[0]?.code ?? 'error';
  if (op?.kind === 'search-type' || op?.kind === 'conditional-delete') {
    base.query = req.query.map(([k, v]) => `${k}=${v}`).join('&');
  }
  const patients = response?.audit?.patients ?? [];
  if (patients.length <= 1) return [auditEventFor(patients[0] ? { ...base, patientId: patients[0] } : base)];
  // A search spanning several notebooks: one event per patient, each naming only that patient's
  // resources (the directory resources shown beside them, authors and the like, in every one).
  const byPatient = response?.audit?.byPatient;
  const inNotebook = new Set(Object.values(byPatient ?? {}).flat());
  const shared = base.resources.filter((r) => !inNotebook.has(r));
  return patients.map((patientId) => auditEventFor({ ...base, patientId, resources: byPatient ? [...(byPatient[patientId] ?? []), ...shared] : base.resources }));
}
