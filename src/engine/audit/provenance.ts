/**
 * The Provenance written with every change of a note: target = the new version, the caller (and
 * the system client acting on behalf of the authors) as agents, the activity, when it happened.
 */
import type { Caller } from '../access/caller.js';

const DATA_OPERATION = 'http://terminology.hl7.org/CodeSystem/v3-DataOperation';
const AGENT_TYPE = 'http://terminology.hl7.org/CodeSystem/provenance-participant-type';
const CLIENT_ID_SYSTEM = 'urn:ietf:params:oauth:client-id';

export type Activity = 'CREATE' | 'UPDATE' | 'DELETE';

export function provenanceFor(
  target: { type: string; id: string; version: number },
  activity: Activity,
  recorded: string,
  caller: Caller,
  authors: Array<{ reference?: string }>,
): Record<string, unknown> {
  const agents: Array<Record<string, unknown>> = [];
  if (caller.self) {
    agents.push({
      type: { coding: [{ system: AGENT_TYPE, code: activity === 'CREATE' ? 'author' : 'enterer' }] },
      who: { reference: `${caller.self.type}/${caller.self.id}` },
    });
  }
  const clientId = caller.principal?.clientId ?? (caller.category === 'system' ? caller.principal?.subject : undefined);
  if (caller.category === 'system' || !caller.self) {
    // A system client writing on behalf of the note's authors: both are recorded.
    const client: Record<string, unknown> = {
      type: { coding: [{ system: AGENT_TYPE, code: 'custodian' }] },
      who: clientId ? { identifier: { system: CLIENT_ID_SYSTEM, value: clientId } } : { display: 'system client' },
    };
    const onBehalfOf = authors.find((a) => typeof a.reference === 'string');
    if (onBehalfOf) client.onBehalfOf = { reference: onBehalfOf.reference };
    agents.push(client);
  }
  return {
    resourceType: 'Provenance',
    target: [{ reference: `${target.type}/${target.id}/_history/${target.version}` }],
    recorded,
    activity: { coding: [{ system: DATA_OPERATION, code: activity }] },
    agent: agents,
  };
}
