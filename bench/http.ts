/** A minimal FHIR JSON client for setting up benchmark data (not used for the measured load). */
export interface HttpResult {
  status: number;
  etag: string | undefined;
  body: any;
}

export async function fhir(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  const init: RequestInit = { method, headers: { accept: 'application/fhir+json', ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/fhir+json';
  }
  const res = await fetch(`${base}/${path.replace(/^\//, '')}`, init);
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.status, etag: res.headers.get('etag') ?? undefined, body: parsed };
}

/** Like `fhir`, but throws unless the status is 2xx. */
export async function fhirOk(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  const r = await fhir(base, method, path, body, headers);
  if (r.status < 200 || r.status > 299) {
    throw new Error(`${method} ${path} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 500)}`);
  }
  return r;
}
