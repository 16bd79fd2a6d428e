/**
 * Test support (not used by the product at run time): reads the JSON files of a published FHIR
 * package (`.tgz`) from the shared packages folder, when it is there. Tests skip when it is not.
 *
 * The folder is `$CDL_FHIR_PACKAGES`, else `../shared/fhir-packages` from the working directory,
 * else `/work/shared/fhir-packages`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const CDL_PACKAGE = 'ans.fhir.fr.cdl-3.0.0.tgz';

export function fhirPackagesDir(): string | undefined {
  const candidates = [process.env.CDL_FHIR_PACKAGES, resolve('..', 'shared', 'fhir-packages'), '/work/shared/fhir-packages'];
  return candidates.find((d): d is string => d !== undefined && d !== '' && existsSync(d));
}

function field(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul === -1 ? raw.length : nul).toString('utf8');
}

/** The files of a tar archive (regular files only), by path. */
function untar(tar: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    const name = field(header, 0, 100);
    if (name === '') break;
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 48);
    const prefix = field(header, 345, 155);
    const start = offset + 512;
    if (type === '0' || type === '\0') files.set(prefix ? `${prefix}/${name}` : name, tar.subarray(start, start + size));
    offset = start + Math.ceil(size / 512) * 512;
  }
  return files;
}

/**
 * The JSON files of a package, by path inside it (`package/example/Bundle-….json`), or undefined
 * when the package is not available.
 */
export function readFhirPackage(fileName: string): Map<string, unknown> | undefined {
  const dir = fhirPackagesDir();
  if (!dir || !existsSync(join(dir, fileName))) return undefined;
  const out = new Map<string, unknown>();
  for (const [path, content] of untar(gunzipSync(readFileSync(join(dir, fileName))))) {
    if (!path.endsWith('.json')) continue;
    try {
      out.set(path, JSON.parse(content.toString('utf8').replace(/^\uFEFF/, '')) as unknown);
    } catch {
      // not JSON after all: left out
    }
  }
  return out;
}
