/**
 * `npm run token -- --fhir-user PractitionerRole/abc --scope "user/*.cruds"`: prints an access token
 * signed by the DEVELOPMENT issuer of the data directory (creating its key pair if needed), which
 * the server trusts when no `CDL_AUTH_ISSUER` is configured. For development and tests only.
 *
 * Options: --scope (required), --fhir-user, --subject, --client-id, --expires <seconds> (3600),
 * --data-dir (CDL_DATA_DIR or ./data). In shell scripts use `npm run --silent token -- …` so that
 * only the token reaches stdout.
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { openDevIssuer } from '../security/dev-issuer.js';

const USAGE = `usage: npm run token -- --scope "<SMART scopes>" [--fhir-user Type/id] [--subject <sub>]
                      [--client-id <id>] [--expires <seconds>] [--data-dir <dir>]

Prints an access token of the embedded DEVELOPMENT issuer (urn:cdl:dev-issuer) of <dir>
(default: CDL_DATA_DIR or ./data). The server accepts it only when CDL_AUTH_ISSUER is unset.

examples:
  npm run token -- --fhir-user PractitionerRole/abc --scope "user/*.cruds"
  npm run token -- --client-id plateforme --scope "system/*.cruds" --expires 600
`;

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the command (argv without `node` and the script); never exits the process. */
export async function runTokenCommand(argv: string[], env: Record<string, string | undefined> = process.env): Promise<CommandResult> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'fhir-user': { type: 'string' },
        scope: { type: 'string' },
        subject: { type: 'string' },
        'client-id': { type: 'string' },
        expires: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    return { code: 2, stdout: '', stderr: `${(e as Error).message}\n${USAGE}` };
  }
  if (values.help) return { code: 0, stdout: USAGE, stderr: '' };
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const scope = str('scope');
  if (!scope || scope.trim() === '') return { code: 2, stdout: '', stderr: `--scope is required\n${USAGE}` };
  let expires = 3600;
  const rawExpires = str('expires');
  if (rawExpires !== undefined) {
    expires = Number(rawExpires);
    if (!Number.isInteger(expires) || expires <= 0) return { code: 2, stdout: '', stderr: `--expires must be a positive number of seconds (got '${rawExpires}')\n` };
  }
  const dataDir = resolve(str('data-dir') ?? env.CDL_DATA_DIR ?? './data');
  let stderr = '';
  if (env.CDL_AUTH_ISSUER && env.CDL_AUTH_ISSUER.trim() !== '') {
    stderr += 'warning: CDL_AUTH_ISSUER is set; a server with this environment trusts that issuer, not the dev issuer, and will refuse this token\n';
  }
  try {
    const dev = await openDevIssuer({ dataDir });
    const options: Parameters<typeof dev.mintToken>[0] = { scope, expiresInSeconds: expires };
    const fhirUser = str('fhir-user');
    const subject = str('subject');
    const clientId = str('client-id');
    if (fhirUser !== undefined) options.fhirUser = fhirUser;
    if (subject !== undefined) options.subject = subject;
    if (clientId !== undefined) options.clientId = clientId;
    const token = await dev.mintToken(options);
    return { code: 0, stdout: `${token}\n`, stderr };
  } catch (e) {
    return { code: 1, stdout: '', stderr: `${stderr}error: ${(e as Error).message}\n` };
  }
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isMain()) {
  runTokenCommand(process.argv.slice(2)).then(
    (r) => {
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      process.exitCode = r.code;
    },
    (e: unknown) => {
      process.stderr.write(`error: ${(e as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
