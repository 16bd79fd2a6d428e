/**
 * Notes owned by the benchmark for updates: each in-flight PUT takes one note out of a free list
 * and sends `If-Match` with the version last seen for it; the response's ETag returns it to the
 * list with its new version. So concurrent connections never race on a note (no 412 by design).
 */
import { fhirOk } from '../http.js';
import type { LoadRequest } from '../load.js';
import type { BenchServer } from '../servers.js';

type Ctx = Record<string, unknown>;

export class VersionedNotes {
  private readonly versions = new Map<string, string>();
  private readonly bodies = new Map<string, string>();
  private free: string[] = [];
  private counter = 0;

  constructor(
    private readonly server: BenchServer,
    readonly ids: string[],
    /** The note JSON of each id as created (with its id), without `meta`. */
    bodies: Map<string, string>,
  ) {
    for (const [id, body] of bodies) this.bodies.set(id, body);
  }

  /** Reads every note's current version (a round may have ended with updates in flight). */
  async refresh(count = this.ids.length): Promise<void> {
    const ids = this.ids.slice(0, count);
    for (const id of ids) {
      const r = await fhirOk(this.server.base, 'GET', `DocumentReference/${id}`, undefined, this.server.headers);
      if (r.etag) this.versions.set(id, r.etag);
    }
    this.free = [...ids];
  }

  /** A PUT with If-Match on a free note; the description changes on every update. */
  updateRequest(basePath: string): LoadRequest {
    return {
      method: 'PUT',
      path: `${basePath}/DocumentReference/${this.ids[0]}`,
      setupRequest: (req, context) => {
        const id = this.free.pop() ?? this.ids[this.counter % this.ids.length]!;
        (context as Ctx).noteId = id;
        const body = this.bodies.get(id)!;
        return {
          ...req,
          path: `${basePath}/DocumentReference/${id}`,
          headers: { ...req.headers, 'if-match': this.versions.get(id) ?? '' },
          body: `{"description":"Mise à jour ${++this.counter}",${body.slice(1)}`,
        };
      },
      onResponse: (_status, _body, context, headers) => {
        const id = (context as Ctx).noteId as string | undefined;
        if (!id) return;
        const etag = headers?.etag ?? headers?.ETag;
        if (typeof etag === 'string') this.versions.set(id, etag);
        this.free.push(id);
      },
    };
  }
}
