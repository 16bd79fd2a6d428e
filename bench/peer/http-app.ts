/**
 * The peer's HTTP layer: fastify in front of Medplum's FhirRouter + MemoryRepository, with the same
 * JSON handling as our server (application/fhir+json in and out, JSON.parse/JSON.stringify, FHIR
 * base at /fhir, /healthz). Import this module only after the WebSocket stand-in is installed.
 */
import { getStatus } from '@medplum/core';
import { FhirRouter, MemoryRepository, type FhirRequest, type HttpMethod } from '@medplum/fhir-router';
import type { OperationOutcome, Resource } from '@medplum/fhirtypes';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const PREFIX = '/fhir';
/** Medplum's server pages searches by 20 by default (as ours does); MemoryRepository alone does not. */
const DEFAULT_COUNT = 20;

/**
 * Medplum answers 400 to `_include=*`; a Medplum client names the references instead. A note's
 * references (CdL profile) are its subject and its authors, so `*` becomes those two.
 */
const WILDCARD_INCLUDES: Record<string, string[]> = { DocumentReference: ['subject', 'author'] };

/** Router-relative URL (`Type/id?query`): default page size on type searches, `_include=*` spelled out. */
function routerUrl(method: string, rawUrl: string): string {
  const url = rawUrl.slice(PREFIX.length).replace(/^\/+/, '');
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const isTypeSearch = method === 'GET' && path !== '' && !path.includes('/');
  if (!isTypeSearch) return url;
  const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  if (!params.has('_count')) params.set('_count', String(DEFAULT_COUNT));
  if (params.getAll('_include').includes('*')) {
    const includes = params.getAll('_include').filter((v) => v !== '*');
    for (const code of WILDCARD_INCLUDES[path] ?? []) includes.push(`${path}:${code}`);
    params.delete('_include');
    for (const v of includes) params.append('_include', v);
  }
  return `${path}?${params.toString()}`;
}

function send(reply: FastifyReply, outcome: OperationOutcome, resource: Resource | undefined, base: string): FastifyReply {
  const status = getStatus(outcome);
  reply.code(status).type(FHIR_JSON);
  if (!resource) return reply.send(JSON.stringify(outcome));
  const versionId = resource.meta?.versionId;
  if (versionId && resource.id && resource.resourceType !== 'Bundle') {
    reply.header('etag', `W/"${versionId}"`);
    if (resource.meta?.lastUpdated) reply.header('last-modified', new Date(resource.meta.lastUpdated).toUTCString());
    if (status === 201) reply.header('location', `${base}/${resource.resourceType}/${resource.id}/_history/${versionId}`);
  }
  return reply.send(JSON.stringify(resource));
}

export function buildPeerApp(): FastifyInstance {
  const router = new FhirRouter();
  const repo = new MemoryRepository();
  const app = Fastify({ logger: { level: 'warn' }, bodyLimit: 16 * 1024 * 1024, forceCloseConnections: 'idle' });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/fhir+json', 'application/json'], { parseAs: 'string' }, (_req, text, done) => {
    try {
      done(null, JSON.parse(text as string));
    } catch (e) {
      done(e as Error, undefined);
    }
  });

  app.get('/healthz', async (_req, reply) => reply.type('application/json').send('{"status":"ok"}'));

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const fhirReq: FhirRequest = {
      method: req.method as HttpMethod,
      url: routerUrl(req.method, req.url),
      pathname: '',
      params: {},
      query: {},
      body: req.body,
      headers: req.headers,
      config: { transactions: true },
    };
    const [outcome, resource] = await router.handleRequest(fhirReq, repo);
    return send(reply, outcome, resource, `${req.protocol}://${req.host}${PREFIX}`);
  };
  const methods: Array<'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'> = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
  app.route({ method: methods, url: PREFIX, handler });
  app.route({ method: methods, url: `${PREFIX}/*`, handler });
  return app;
}
