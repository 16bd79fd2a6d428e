/** Test support: a local `node:http` JWKS endpoint on an ephemeral port whose key set can be changed. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface JwksHttpServer {
  url: string;
  /** Number of GETs served so far. */
  readonly requests: number;
  setJwks(jwks: unknown): void;
  /** Answers with this status (no body) instead of the JWKS; undefined restores normal service. */
  failWith(status: number | undefined): void;
  close(): Promise<void>;
}

export async function startJwksServer(initial: unknown): Promise<JwksHttpServer> {
  let jwks = initial;
  let requests = 0;
  let failure: number | undefined;
  const server = createServer((req, res) => {
    requests++;
    if (failure !== undefined) {
      res.writeHead(failure).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    get requests() {
      return requests;
    },
    setJwks(next) {
      jwks = next;
    },
    failWith(status) {
      failure = status;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
