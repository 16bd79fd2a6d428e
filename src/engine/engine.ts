/**
 * The FHIR engine: takes a framework-free request and answers it. Every interaction goes
 * through `handle`, the one place where cross-cutting concerns wrap the interactions:
 * authenticate (principal → caller) → authorize/validate/store (inside each interaction, with
 * the caller's access constraint compiled into storage queries) → audit.
 */
import { errors } from '../fhir/errors.js';
import type { Principal } from '../security/principal.js';
import { SYSTEM_CALLER, type Caller } from './access/caller.js';
import { RequestAuth } from './access/request-auth.js';
import { CallerResolver } from './access/resolve-caller.js';
import { Auditor, type AuditLogger } from './audit/auditor.js';
import { auditEventsFor } from './audit/interaction-audit.js';
import { bundleOf, type PlannedEntry } from './bundle-entries.js';
import { buildCapabilityStatement, type CapabilityInfo } from './capability-statement.js';
import type { EngineDeps, RequestContext } from './engine-deps.js';
import { EngineCore } from './engine-core.js';
import { parsePrefer, type FhirRequest, type FhirResponse, type RequestHeaders } from './fhir-request.js';
import { batch } from './interactions/batch.js';
import { create } from './interactions/create.js';
import { conditionalDelete, deleteResource } from './interactions/delete.js';
import { history } from './interactions/history.js';
import { read, vread } from './interactions/read.js';
import { search } from './interactions/search.js';
import { transaction } from './interactions/transaction.js';
import { update } from './interactions/update.js';
import { classify, type Operation } from './operation.js';
import { instant } from './resource-ids.js';
import type { StorageReader } from './storage-port.js';

/** What the caller of `handle` knows about the request's origin. */
export interface CallContext {
  baseUrl: string;
  /** The verified token's principal; absent = a trusted in-process or unauthenticated-mode caller (system). */
  principal?: Principal;
  clientAddress?: string;
}

export interface EngineExtras {
  capability: CapabilityInfo;
  auditLog: AuditLogger;
  /** Write AuditEvents (default true). */
  audit?: boolean;
}

export class Engine {
  private readonly core: EngineCore;
  private readonly capabilityJson: string;
  private readonly callers: CallerResolver;
  readonly auditor: Auditor;

  constructor(
    private readonly deps: EngineDeps,
    extras: EngineExtras,
  ) {
    this.core = new EngineCore(deps);
    const searchParams = (type: string) =>
      Object.values(deps.defs.searchParams[type] ?? {})
        .filter((p) => p.type !== 'composite' && p.type !== 'special' && !['_text', '_content', '_query'].includes(p.code))
        .map((p) => ({ code: p.code, type: p.type, url: p.url }));
    this.capabilityJson = JSON.stringify(buildCapabilityStatement(deps.defs, deps.options, searchParams, extras.capability, true));
    this.callers = new CallerResolver(deps.storage, deps.clock);
    this.auditor = new Auditor(deps.storage, deps.indexer, deps.clock, extras.auditLog, extras.audit ?? true);
  }

  get exposedTypes(): ReadonlySet<string> {
    return this.core.exposed;
  }

  /** Answers a request; every outcome (allowed, refused, failed) is audited. */
  async handle(req: FhirRequest, call: CallContext): Promise<FhirResponse> {
    let caller: Caller;
    try {
      caller = call.principal ? await this.callers.resolve(call.principal) : SYSTEM_CALLER;
    } catch (e) {
      this.auditUnauthenticated(req, e, call.clientAddress);
      throw e;
    }
    const ctx: RequestContext = { baseUrl: call.baseUrl, auth: new RequestAuth(caller, this.deps.clock()) };
    if (call.clientAddress) ctx.clientAddress = call.clientAddress;
    return this.handleWith(req, ctx);
  }

  /** Audits a request refused before reaching the engine (authentication failed). */
  auditUnauthenticated(req: FhirRequest, error: unknown, clientAddress?: string): void {
    let op: Operation | undefined;
    try {
      op = classify(req.method, req.path, req.query.length > 0);
    } catch {
      op = undefined;
    }
    if (this.auditor.enabled) this.auditor.record(auditEventsFor(op, req, error, undefined, clientAddress, instant(this.deps.clock())));
  }

  private async handleWith(req: FhirRequest, ctx: RequestContext): Promise<FhirResponse> {
    let op: Operation | undefined;
    let outcome: FhirResponse | unknown;
    try {
      op = classify(req.method, req.path, req.query.length > 0);
      outcome = await this.dispatch(op, req, ctx);
      return outcome as FhirResponse;
    } catch (e) {
      outcome = e;
      throw e;
    } finally {
      if (op?.kind !== 'capabilities' && this.auditor.enabled) {
        this.auditor.record(auditEventsFor(op, req, outcome, ctx.auth.caller, ctx.clientAddress, instant(this.deps.clock())));
        const backlog = this.auditor.whenCaughtUp();
        if (backlog) await backlog;
      }
    }
  }

  private async dispatch(op: Operation, req: FhirRequest, ctx: RequestContext): Promise<FhirResponse> {
    const core = this.core;
    const prefer = parsePrefer(req.headers.prefer);
    switch (op.kind) {
      case 'capabilities':
        return { status: 200, headers: {}, body: { kind: 'json', json: this.capabilityJson } };
      case 'bundle': {
        const bundle = bundleOf(req.body);
        if (bundle.type === 'batch') return batch(core, bundle.entries, ctx, (r, c) => this.handleWith(r, c), req.headers.prefer);
        const profileIssues = this.deps.validator.validateTransaction(req.body);
        if (profileIssues.length > 0) throw errors.unprocessable(profileIssues);
        return transaction(core, bundle.entries, prefer, ctx, (entry, reader, headers) => this.dispatchRead(entry, reader, headers, ctx));
      }
      case 'create':
        return create(core, op.type, this.bodyOf(req, op.type), req.headers.ifNoneExist, prefer, ctx);
      case 'update':
        return update(core, op.type, op.id, this.bodyOf(req, op.type, op.id), req.headers.ifMatch, prefer, ctx);
      case 'delete':
        return deleteResource(core, op.type, op.id, req.headers.ifMatch, ctx);
      case 'conditional-delete':
        return conditionalDelete(core, op.type, req.query, ctx);
      default:
        return this.read(op, req.query, req.headers, core.storage, ctx);
    }
  }

  /** A Binary posted as raw bytes becomes a Binary resource. */
  private bodyOf(req: FhirRequest, type: string, id?: string): unknown {
    if (!req.raw) return req.body;
    if (type !== 'Binary') throw errors.unsupportedMediaType(`${type} must be sent as FHIR JSON (application/fhir+json)`);
    const binary: Record<string, unknown> = { resourceType: 'Binary', contentType: req.raw.contentType, data: req.raw.data.toString('base64') };
    if (id !== undefined) binary.id = id;
    return binary;
  }

  private dispatchRead(entry: PlannedEntry, reader: StorageReader, headers: RequestHeaders, ctx: RequestContext): Promise<FhirResponse> {
    return this.read(entry.op, entry.query, headers, reader, ctx);
  }

  private async read(op: Operation, query: Array<[string, string]>, headers: RequestHeaders, reader: StorageReader, ctx: RequestContext): Promise<FhirResponse> {
    const core = this.core;
    switch (op.kind) {
      case 'read':
        return read(core, reader, op.type, op.id, headers, ctx);
      case 'vread':
        return vread(core, reader, op.type, op.id, op.vid, headers, ctx);
      case 'history-instance':
        return history(core, reader, { type: op.type, id: op.id }, query, ctx);
      case 'history-type':
        return history(core, reader, { type: op.type }, query, ctx);
      case 'history-system':
        return history(core, reader, {}, query, ctx);
      case 'search-type':
        return search(core, reader, op.type, query, parsePrefer(headers.prefer), ctx);
      case 'search-system':
        throw errors.notSupported('Searching across all resource types is not supported; search a type, e.g. GET /DocumentReference?...');
      default:
        throw errors.badRequest(`${op.kind} is not a read interaction`);
    }
  }
}
