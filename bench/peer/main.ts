/**
 * The benchmark peer as a process: `node dist/bench/peer/main.js` serves Medplum's FHIR engine
 * (FhirRouter + MemoryRepository, R4 definitions loaded) at http://127.0.0.1:$PORT/fhir.
 */
import { installWebSocketStub } from './websocket-stub.js';

async function main(): Promise<void> {
  installWebSocketStub();
  const { loadR4Definitions } = await import('./definitions.js');
  await loadR4Definitions();
  const { buildPeerApp } = await import('./http-app.js');
  const app = buildPeerApp();
  await app.listen({ port: Number(process.env.PORT ?? 8090), host: process.env.HOST ?? '127.0.0.1' });
  const stop = () => void app.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
