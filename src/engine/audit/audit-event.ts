/**
 * AuditEvents following IHE Basic Audit Log Patterns (BALP) for RESTful interactions: who (user
 * and client, with network address), what (the resources, the patient, the query of a search),
 * the interaction and its outcome.
 */
import type { Caller } from '../access/caller.js';

export interface AuditRecord {
  /** FHIR restful-interaction code: read, vread, update, create, delete, search-type, history-instance, transaction, batch… */
  interaction: string;
  /** BALP action code: C R U D E. */
  action: 'C' | 'R' | 'U' | 'D' | 'E';
  recorded: string;
  status: number;
  outcomeDesc?: string;
  caller: Caller | undefined;
  clientAddress?: string;
  /** The resources concerned (`Type/id` or `Type/id/_history/n`). */
  resources: string[];
  /** The patient whose notebook is concerned (one AuditEvent per patient). */
  patientId?: string;
  /** The query of a search (sent base64-encoded in entity.query). */
  query?: string;
}

const S = {
  eventType: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
  interaction: 'http://hl7.org/fhir/restful-interaction',
  participation: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  sourceType: 'http://terminology.hl7.org/CodeSystem/security-source-type',
  entityType: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
  objectRole: 'http://terminology.hl7.org/CodeSystem/object-role',
  clientId: 'urn:ietf:params:oauth:client-id',
};

const outcomeOf = (status: number): string => (status < 400 ? '0' : status < 500 ? '4' : '8');

export function auditEventFor(r: AuditRecord): Record<string, unknown> {
  const agents: Array<Record<string, unknown>> = [];
  const user: Record<string, unknown> = {
    type: { coding: [{ system: S.participation, code: 'IRCP', display: 'information recipient' }] },
    requestor: true,
  };
  if (r.caller?.self) user.who = { reference: `${r.caller.self.type}/${r.caller.self.id}` };
  else if (r.caller?.principal) user.who = { identifier: { system: r.caller.principal.issuer, value: r.caller.principal.subject } };
  else user.who = { display: r.caller ? 'system' : 'unauthenticated' };
  if (r.clientAddress) user.network = { address: r.clientAddress, type: '2' };
  agents.push(user);
  const clientId = r.caller?.principal?.clientId;
  if (clientId) {
    agents.push({
      type: { coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110150', display: 'Application' }] },
      who: { identifier: { system: S.clientId, value: clientId } },
      requestor: false,
    });
  }
  const entity: Array<Record<string, unknown>> = [];
  if (r.patientId) {
    entity.push({
      what: { reference: `Patient/${r.patientId}` },
      type: { system: S.entityType, code: '1', display: 'Person' },
      role: { system: S.objectRole, code: '1', display: 'Patient' },
    });
  }
  for (const ref of r.resources.slice(0, 50)) {
    entity.push({ what: { reference: ref }, type: { system: S.entityType, code: '2', display: 'System Object' }, role: { system: S.objectRole, code: '4', display: 'Domain Resource' } });
  }
  if (r.query !== undefined) {
    entity.push({
      type: { system: S.entityType, code: '2', display: 'System Object' },
      role: { system: S.objectRole, code: '24', display: 'Query' },
      query: Buffer.from(r.query, 'utf8').toString('base64'),
    });
  }
  const event: Record<string, unknown> = {
    resourceType: 'AuditEvent',
    type: { system: S.eventType, code: 'rest', display: 'Restful Operation' },
    subtype: [{ system: S.interaction, code: r.interaction }],
    action: r.action,
    recorded: r.recorded,
    outcome: outcomeOf(r.status),
    agent: agents,
    source: { observer: { display: 'cahier-de-liaison' }, type: [{ system: S.sourceType, code: '4', display: 'Application Server' }] },
  };
  if (r.outcomeDesc) event.outcomeDesc = r.outcomeDesc;
  if (entity.length > 0) event.entity = entity;
  return event;
}
