/**
 * The fastify adapter: turns HTTP requests into engine requests and engine responses (or
 * errors) into HTTP. No FHIR logic lives here.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Duplex } from 'node:stream';
import type { Engine } from '../engine/engine.js';
import type { FhirRequest, FhirResponse, HttpMethod } from '../engine/fhir-request.js';
import { errors, FhirError, issue, toOperationOutcome } from '../fhir/errors.js';
import type { Config } from './config.js';
import type { Principal } from '../security/principal.js';
import { RateLimiter } from './rate-limiter.js';
import { mapError } from './error-mapping.js';
import { parseJsonBody } from './json-body.js';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const JSON_TYPES = /^application\/(fhir\+)?json\b/i;
const XML_TYPES = /^(application|text)\/(fhir\+)?xml\b/i;

export interface HttpAppDeps {
  engine: Engine;
  config: Config;
  logger: FastifyBaseLogger;
  /** Readiness probe (database reachable). */
  ready: () => Promise<void>;
  /** Verifies the Authorization header (401 FhirError otherwise); undefined when authentication is disabled. */
  authenticate: (authorization: string | undefined) => Promise<Principal | undefined>;
  /** The `/.well-known/smart-configuration` document. */
  smartConfiguration: object;
}

/** Endpoints served without a token. */
const PUBLIC_PATHS = new Set(['metadata', '.well-known/smart-configuration']);

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

function acceptsFhir(req: FastifyRequest, query: Array<[string, string]>): boolean {
  const format = query.find(([k]) => k === '_format')?.[1];
  if (format) return JSON_TYPES.test(format) || format === 'json';
  const accept = header(req, 'accept') ?? '';
  return /application\/(fhir\+)?json/i.test(accept);
}

function checkFormat(req: FastifyRequest, query: Array<[string, string]>): void {
  const format = query.find(([k]) => k === '_format')?.[1];
  if (format !== undefined && (XML_TYPES.test(format) || format === 'xml')) {
    throw errors.notAcceptable('Only JSON is supported (_format=json or application/fhir+json)');
  }
  const accept = header(req, 'accept');
  if (accept && XML_TYPES.test(accept) && !/json|\*\/\*/i.test(accept)) {
    throw errors.notAcceptable(`Only JSON is supported; Accept '${accept}' cannot be satisfied`);
  }
}

function toFhirRequest(req: FastifyRequest, prefixLength: number): FhirRequest {
  const url = req.url;
  const q = url.indexOf('?');
  const pathPart = (q < 0 ? url : url.slice(0, q)).slice(prefixLength);
  let path: string[];
  try {
    path = pathPart.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  } catch {
    throw errors.badRequest('The request path is not correctly percent-encoded');
  }
  const query = q < 0 ? [] : [...new URLSearchParams(url.slice(q + 1)).entries()];
  const headers: FhirRequest['headers'] = { acceptsFhir: acceptsFhir(req, query) };
  const map = [['if-match', 'ifMatch'], ['if-none-match', 'ifNoneMatch'], ['if-none-exist', 'ifNoneExist'], ['if-modified-since', 'ifModifiedSince'], ['prefer', 'prefer']] as const;
  for (const [h, k] of map) {
    const v = header(req, h);
    if (v !== undefined) headers[k] = v;
  }
  const out: FhirRequest = { method: req.method as HttpMethod, path, query, headers };
  const body = req.body as { json?: unknown; raw?: Buffer; form?: Array<[string, string]> } | undefined;
  if (body?.json !== undefined) out.body = body.json;
  if (body?.raw !== undefined) out.raw = { contentType: header(req, 'content-type') ?? 'application/octet-stream', data: body.raw };
  if (body?.form !== undefined) out.query = [...query, ...body.form];
  return out;
}

function send(reply: FastifyReply, res: FhirResponse, pretty: boolean): FastifyReply {
  reply.code(res.status);
  for (const [k, v] of Object.entries(res.headers)) reply.header(k, v);
  const body = res.body;
  if (!body) return reply.send();
  if (body.kind === 'binary') return reply.type(body.contentType).send(body.data);
  reply.type(FHIR_JSON);
  if (body.kind === 'json') return reply.send(pretty ? JSON.stringify(JSON.parse(body.json), null, 2) : body.json);
  return reply.send(JSON.stringify(body.resource, null, pretty ? 2 : undefined));
}

/**
 * Requests Node's HTTP parser rejects before any route runs (e.g. raw non-ASCII bytes in the URL,
 * oversized headers) still get an OperationOutcome, never the framework's own error shape.
 */
function answerMalformedRequest(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const outcome = toOperationOutcome([
    issue(
      tooLarge ? 'too-costly' : 'structure',
      tooLarge
        ? 'The request headers are too large'
        : 'Malformed HTTP request: the request line or headers could not be parsed (characters outside ASCII in the URL must be percent-encoded)',
    ),
  ]);
  const body = JSON.stringify(outcome);
  socket.end(
    `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\n` +
      `Content-Type: ${FHIR_JSON}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export function buildHttpApp(deps: HttpAppDeps): FastifyInstance {
  const { engine, config } = deps;
  const app = Fastify({
    ...(config.tls ? { https: config.tls } : {}),
    loggerInstance: deps.logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    clientErrorHandler: answerMalformedRequest,
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/fhir+json', 'application/json'], { parseAs: 'string' }, (_req, text, done) => {
    try {
      done(null, { json: parseJsonBody(text as string, { maxDepth: config.maxJsonDepth, maxValues: config.maxJsonValues }) });
    } catch (e) {
      done(e as Error, undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, text, done) => {
    done(null, { form: [...new URLSearchParams(text as string).entries()] });
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (req, data, done) => {
    const type = req.headers['content-type'] ?? '';
    if (XML_TYPES.test(type)) {
      done(errors.unsupportedMediaType('FHIR XML is not supported; send application/fhir+json'), undefined);
      return;
    }
    done(null, { raw: data as Buffer });
  });

  app.setErrorHandler((error, request, reply) => {
    const e = mapError(error);
    if (e.status >= 500) {
      const err = error as Error & { code?: string };
      request.log.error({ err: { type: err.name, code: err.code, stack: err.stack } }, 'request failed');
    }
    return sendError(reply, e);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, errors.notFound(`No endpoint at ${request.method} ${request.url.split('?')[0]}`)));

  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, path: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
  });

  app.get('/healthz', async (_req, reply) => reply.type('application/json').send('{"status":"ok"}'));
  app.get('/readyz', async (_req, reply) => {
    try {
      await deps.ready();
      return reply.type('application/json').send('{"status":"ready"}');
    } catch {
      return reply.code(503).type('application/json').send('{"status":"unavailable"}');
    }
  });

  const smart = JSON.stringify(deps.smartConfiguration);
  const smartHandler = async (_req: FastifyRequest, reply: FastifyReply) => reply.type('application/json').send(smart);
  app.get('/.well-known/smart-configuration', smartHandler);
  app.get('/fhir/.well-known/smart-configuration', smartHandler);

  const limiter = new RateLimiter(config.rateLimit.perSecond, config.rateLimit.burst);
  const prefix = '/fhir';
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const fhirReq = toFhirRequest(req, prefix.length);
    checkFormat(req, fhirReq.query);
    let principal: Principal | undefined;
    if (!PUBLIC_PATHS.has(fhirReq.path.join('/'))) {
      try {
        principal = await deps.authenticate(header(req, 'authorization'));
      } catch (e) {
        // Failed authentications count against the client's address: a flood of bad tokens gets 429s.
        const wait = limiter.take(`address\u0000${req.ip}`);
        const refused = wait > 0 ? errors.tooManyRequests(wait) : e;
        engine.auditUnauthenticated(fhirReq, refused, req.ip);
        throw refused;
      }
      const wait = limiter.take(principal ? `${principal.issuer}\u0000${principal.subject}` : req.ip);
      if (wait > 0) throw errors.tooManyRequests(wait);
    }
    const body = req.body as { raw?: Buffer; form?: unknown } | undefined;
    // A form body is a search's parameters (POST [type]/_search), never a resource.
    if (body?.form !== undefined && fhirReq.path[fhirReq.path.length - 1] !== '_search') {
      throw errors.unsupportedMediaType(`Content-Type '${header(req, 'content-type')}' is only accepted by POST [type]/_search; send the resource as application/fhir+json`);
    }
    if (body?.raw !== undefined && !(fhirReq.path[0] === 'Binary' && (req.method === 'POST' || req.method === 'PUT'))) {
      throw errors.unsupportedMediaType(`Content-Type '${header(req, 'content-type') ?? '(none)'}' is not supported; send application/fhir+json`);
    }
    const baseUrl = config.baseUrl ?? `${req.protocol}://${req.host}${prefix}`;
    const res = await engine.handle(fhirReq, principal ? { baseUrl, principal, clientAddress: req.ip } : { baseUrl, clientAddress: req.ip });
    const pretty = fhirReq.query.some(([k, v]) => k === '_pretty' && v === 'true');
    return send(reply, res, pretty);
  };
  const methods: Array<'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'> = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'];
  app.route({ method: methods, url: prefix, handler });
  app.route({ method: methods, url: `${prefix}/*`, handler });
  return app;
}

function sendError(reply: FastifyReply, e: FhirError): FastifyReply {
  reply.code(e.status);
  for (const [k, v] of Object.entries(e.headers)) reply.header(k, v);
  return reply.type(FHIR_JSON).send(JSON.stringify(toOperationOutcome(e.issues)));
}
