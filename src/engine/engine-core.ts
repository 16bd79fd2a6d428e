/** The pieces every interaction uses, built once per engine. */
import { errors } from '../fhir/errors.js';
import type { EngineDeps } from './engine-deps.js';
import { isValidId } from './resource-ids.js';
import { WritePreparer, type JsonObject } from './write/prepare.js';

export class EngineCore {
  readonly exposed: ReadonlySet<string>;
  readonly preparer: WritePreparer;

  constructor(readonly deps: EngineDeps) {
    this.exposed = new Set(deps.options.resourceTypes);
    this.preparer = new WritePreparer(deps);
  }

  get storage() {
    return this.deps.storage;
  }

  get binaries() {
    return this.deps.binaries;
  }

  now(): number {
    return this.deps.clock();
  }

  /** Throws 404 unless `type` is an exposed resource type. */
  checkType(type: string): void {
    if (!this.exposed.has(type)) throw errors.unknownType(type);
  }

  checkId(id: string, where = 'id'): void {
    if (!isValidId(id)) throw errors.badRequest(`'${id}' is not a valid resource id (1-64 of A-Z a-z 0-9 - .)`, where);
  }

  /** The request body as a resource of `type`, or a 400 saying what is wrong with it. */
  bodyAs(body: unknown, type: string, where = type): JsonObject {
    if (body === undefined || body === null) throw errors.badRequest(`A ${type} resource is required in the request body`);
    if (typeof body !== 'object' || Array.isArray(body)) throw errors.invalidStructure('The request body must be a JSON object (a FHIR resource)');
    const resource = body as JsonObject;
    if (typeof resource.resourceType !== 'string') {
      throw errors.invalidStructure(`The resource has no resourceType (expected '${type}')`, `${where}.resourceType`);
    }
    if (resource.resourceType !== type) {
      throw errors.badRequest(`The resource type '${resource.resourceType}' does not match the URL's type '${type}'`, `${where}.resourceType`);
    }
    return resource;
  }
}
