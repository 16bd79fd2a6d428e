/**
 * `npm run bench [-- --scenario create --seconds 10 --connections 16]`: starts the server as a
 * child process with production settings on a fresh data directory and drives it with autocannon.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startChildServer } from '../test/support/child-server.js';
import { note, patient, practitioner } from '../test/support/fixtures.js';
import { request } from '../test/support/test-server.js';
import { runLoad, type LoadResult } from './load.js';

function rssMiB(pid: number): Promise<number> {
  return import('node:fs').then(({ readFileSync }) => {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return Math.round(kb / 1024);
  });
}

/** A note whose text attachment makes the JSON about 2 KB. */
function noteOf2KB(subject: string, author: string): string {
  const text = 'Passage infirmier du matin. Patiente fatiguée, tension 13/8, a peu mangé. '.repeat(16).slice(0, 1100);
  return JSON.stringify(note(subject, [author], { text }));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'create' },
      seconds: { type: 'string', default: '10' },
      connections: { type: 'string', default: '16' },
    },
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'cdl-bench-'));
  const port = await freePort();
  const srv = await startChildServer(dataDir, port, { CDL_LOG_LEVEL: 'warn' });
  try {
    const subject = (await request(srv.base, 'POST', '/Patient', patient())).body.id;
    const author = `Practitioner/${(await request(srv.base, 'POST', '/Practitioner', practitioner())).body.id}`;
    const body = noteOf2KB(subject, author);
    const connections = Number(values.connections);
    const seconds = Number(values.seconds);
    let result: LoadResult;
    switch (values.scenario) {
      case 'create':
        // warm-up, then the measured run
        await runLoad({ url: `${srv.base}/DocumentReference`, method: 'POST', connections, durationSeconds: 2, body, headers: { 'content-type': 'application/fhir+json' } });
        result = await runLoad({ url: `${srv.base}/DocumentReference`, method: 'POST', connections, durationSeconds: seconds, body, headers: { 'content-type': 'application/fhir+json' } });
        break;
      default:
        throw new Error(`unknown scenario ${values.scenario}`);
    }
    const rss = await rssMiB(srv.process.pid!);
    console.log(JSON.stringify({ scenario: values.scenario, noteBytes: body.length, connections, seconds, ...result, rssMiB: rss }, null, 2));
  } finally {
    srv.process.kill('SIGTERM');
    await srv.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
