/** `npm start`: serves the FHIR API until SIGTERM/SIGINT, then shuts down gracefully. */
import { loadConfig } from '../server/config.js';
import { createServer } from '../server/compose.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const server = await createServer(config);
  const { logger } = server;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    server.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err: { type: (err as Error).name } }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  await server.app.listen({ port: config.port, host: config.host });
  logger.info({ url: `${config.tls ? 'https' : 'http'}://${config.host}:${config.port}/fhir`, dataDir: config.dataDir }, 'listening');
}

main().catch((err: unknown) => {
  process.stderr.write(`cahier-de-liaison failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
