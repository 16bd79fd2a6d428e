/**
 * Resolves a verified token's principal into a Caller from the server's own data: the fhirUser
 * resource (which must exist and be active), a PractitionerRole's practitioner and organization,
 * a Practitioner's roles, the Pro Santé Connect national id → Practitioner. Cached briefly.
 */
import { errors } from '../../fhir/errors.js';
import { identifierSystems, professionSante, professionSocial } from '../../fhir/terminology.js';
import type { Principal } from '../../security/principal.js';
import { formatScope } from '../../security/scopes.js';
import type { ResourceRef } from '../access-constraint.js';
import type { StorageReader } from '../storage-port.js';
import type { Caller, CallerCategory } from './caller.js';
import { parseRelativeReference } from '../resource-ids.js';
import type { SearchRequest } from '../../fhir/search/search-request.js';

/** v3 RoleCode relationships that make a RelatedPerson a legal representative. */
export const LEGAL_REPRESENTATIVE_CODES = new Set(['GUARD', 'POWATT', 'DPOWATT', 'HPOWATT', 'SPOWATT']);

type Json = Record<string, any>;

/** A RelatedPerson whose relationship carries a guardian / power-of-attorney role. */
export const isLegalRepresentative = (relatedPerson: Record<string, unknown>): boolean =>
  ((relatedPerson.relationship as Json[] | undefined) ?? []).some((cc) =>
    ((cc?.coding as Json[] | undefined) ?? []).some((c) => LEGAL_REPRESENTATIVE_CODES.has(String(c?.code))),
  );

const refOf = (v: unknown): ResourceRef | undefined => {
  const r = parseRelativeReference(String((v as { reference?: string } | undefined)?.reference ?? ''));
  return r ? { type: r.type, id: r.id } : undefined;
};

function professionOf(roles: Json[], pscCodes: string[] = []): CallerCategory {
  let health = pscCodes.length > 0;
  let social = false;
  for (const role of roles) {
    for (const cc of (role.code as Json[] | undefined) ?? []) {
      for (const c of (cc.coding as Json[] | undefined) ?? []) {
        if (c.system === professionSante.url) health = true;
        if (c.system === professionSocial.url) social = true;
      }
    }
  }
  if (health && !social) return 'health-professional';
  if (social && !health) return 'social-professional';
  return 'professional';
}

const searchOf = (type: string, param: string, value: { type: string; id: string } | { system: string; code: string }): SearchRequest => ({
  resourceType: type,
  filters: ['system' in value
    ? { kind: 'token', param, negate: false, values: [{ match: 'system-code', system: value.system, code: value.code }] }
    : { kind: 'reference', param, values: [{ match: 'local', targetType: value.type, id: value.id }] }],
  count: 50,
  sort: [],
  include: [],
  revinclude: [],
  ignored: [],
});

/** Reading AuditEvents needs a scope naming AuditEvent explicitly (a `*` scope is not enough). */
const isAuditor = (p: Principal): boolean => p.scopes.some((s) => s.resourceType === 'AuditEvent' && (s.r || s.s));

export class CallerResolver {
  private readonly cache = new Map<string, { caller: Caller; until: number }>();

  constructor(
    private readonly reader: StorageReader,
    private readonly clock: () => number,
    private readonly ttlMs = 30_000,
  ) {}

  private async read(ref: ResourceRef): Promise<Json | undefined> {
    const v = await this.reader.readCurrent(ref.type, ref.id);
    if (!v || v.deleted || !v.json) return undefined;
    const r = JSON.parse(v.json) as Json;
    return r.active === false ? undefined : r;
  }

  private async rolesOf(practitionerId: string): Promise<Json[]> {
    const res = await this.reader.search({ request: searchOf('PractitionerRole', 'practitioner', { type: 'Practitioner', id: practitionerId }), countTotal: false, access: {} });
    return res.matches.map((m) => JSON.parse(m.json!) as Json).filter((r) => r.active !== false);
  }

  async resolve(principal: Principal): Promise<Caller> {
    const scopes = principal.scopes.map(formatScope).sort().join(' ');
    const key = `${principal.issuer}\u0000${principal.subject}\u0000${principal.fhirUser?.type}/${principal.fhirUser?.id}\u0000${principal.psc?.nationalId}\u0000${scopes}`;
    const now = this.clock();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return { ...hit.caller, scopes: principal.scopes, principal, auditor: isAuditor(principal) };
    const caller = await this.build(principal);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { caller, until: now + this.ttlMs });
    return caller;
  }

  private async build(principal: Principal): Promise<Caller> {
    const base = { scopes: principal.scopes, principal, auditor: isAuditor(principal) };
    const systemOnly = principal.scopes.length > 0 && principal.scopes.every((s) => s.context === 'system');
    let self: ResourceRef | undefined = principal.fhirUser;
    if (!self && principal.psc) {
      const found = await this.reader.search({
        request: searchOf('Practitioner', 'identifier', { system: identifierSystems.nationalProfessional, code: principal.psc.nationalId }),
        countTotal: false,
        access: {},
      });
      const m = found.matches[0];
      if (!m) throw errors.forbidden('No Practitioner on this server has the national professional id of this token');
      // Never pick one at random: an ambiguous identity resolves to nobody.
      if (found.matches.length > 1) throw errors.forbidden('Several Practitioners on this server have the national professional id of this token');
      self = { type: 'Practitioner', id: m.id };
    }
    if (!self) {
      if (systemOnly) return { category: 'system', members: [], authorRefs: [], patients: [], ...base };
      throw errors.forbidden('A user token must name its user (fhirUser claim, or a Pro Santé Connect national id)');
    }
    const resource = await this.read(self);
    if (!resource) throw errors.forbidden(`The token's user ${self.type}/${self.id} is not an active resource on this server`);
    const caller: Caller = { category: 'system', self, members: [self], authorRefs: [self], patients: [], ...base };
    switch (self.type) {
      case 'PractitionerRole': {
        const practitioner = refOf(resource.practitioner);
        const organization = refOf(resource.organization);
        if (practitioner) caller.members.push(practitioner), caller.authorRefs.push(practitioner);
        if (organization) caller.members.push(organization);
        caller.category = professionOf([resource], principal.psc?.professionCodes);
        break;
      }
      case 'Practitioner': {
        const roles = await this.rolesOf(self.id);
        for (const role of roles) {
          caller.members.push({ type: 'PractitionerRole', id: String(role.id) });
          caller.authorRefs.push({ type: 'PractitionerRole', id: String(role.id) });
          const organization = refOf(role.organization);
          if (organization) caller.members.push(organization);
        }
        caller.category = professionOf(roles, principal.psc?.professionCodes);
        break;
      }
      case 'RelatedPerson': {
        caller.category = isLegalRepresentative(resource) ? 'legal-representative' : 'third-person';
        break;
      }
      case 'Patient':
        caller.category = 'patient';
        caller.patients = [self.id];
        break;
      case 'Organization':
        caller.category = 'organization';
        break;
      case 'Device': {
        caller.category = 'device';
        const patient = refOf(resource.patient);
        if (patient?.type === 'Patient') caller.patients = [patient.id];
        break;
      }
    }
    return caller;
  }
}
