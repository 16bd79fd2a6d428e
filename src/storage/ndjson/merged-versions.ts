/**
 * Reads the per-type files of an export back as one stream of versions in their original write
 * order (the sequence extension): a k-way merge of the files, each already in that order. Checks
 * the stream as it goes: sequence numbers 1..N without gap or duplicate, every version the next
 * of its resource (1, 2, 3…), a deletion only of a live resource, counts as in the manifest.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError, parseVersionLine, type Manifest, type ParsedVersion } from './format.js';
import { readLines } from './ndjson-io.js';

interface Cursor {
  type: string;
  file: string;
  lines: AsyncGenerator<{ text: string; number: number }>;
  head: ParsedVersion | undefined;
  count: number;
}

async function advance(c: Cursor): Promise<void> {
  const next = await c.lines.next();
  if (next.done) {
    c.head = undefined;
    return;
  }
  const v = parseVersionLine(next.value.text, c.type, `${c.file}:${next.value.number}`);
  if (c.head && v.sequence <= c.head.sequence) throw new FormatError(`${c.file}:${next.value.number}: sequence ${v.sequence} is not after ${c.head.sequence}`);
  c.head = v;
  c.count++;
}

export async function* mergedVersions(dir: string, manifest: Manifest): AsyncGenerator<ParsedVersion> {
  const cursors: Cursor[] = manifest.output.map((o) => {
    const path = join(dir, o.url);
    if (!existsSync(path)) throw new FormatError(`${o.url} is listed in the manifest but missing`);
    return { type: o.type, file: o.url, lines: readLines(path), head: undefined, count: 0 };
  });
  /** Last version and liveness of each resource seen so far. */
  const state = new Map<string, { version: number; deleted: boolean }>();
  try {
    for (const c of cursors) await advance(c);
    let expected = 1;
    for (;;) {
      let next: Cursor | undefined;
      for (const c of cursors) if (c.head && (!next || c.head.sequence < next.head!.sequence)) next = c;
      if (!next) break;
      const v = next.head!;
      if (v.sequence !== expected) throw new FormatError(`${next.file}: sequence ${v.sequence} where ${expected} was expected (a line is missing or repeated)`);
      const key = `${v.type}/${v.id}`;
      const previous = state.get(key);
      if (v.version !== (previous?.version ?? 0) + 1) throw new FormatError(`${next.file}: ${key} version ${v.version} follows version ${previous?.version ?? 'none'}`);
      if (v.method === 'DELETE' && (!previous || previous.deleted)) throw new FormatError(`${next.file}: ${key} version ${v.version} deletes a resource that is not live`);
      state.set(key, { version: v.version, deleted: v.method === 'DELETE' });
      yield v;
      expected++;
      await advance(next);
    }
    if (expected - 1 !== manifest.versions) throw new FormatError(`the files hold ${expected - 1} versions, the manifest says ${manifest.versions}`);
    for (const c of cursors) {
      const listed = manifest.output.find((o) => o.type === c.type)!.count;
      if (c.count !== listed) throw new FormatError(`${c.file} holds ${c.count} versions, the manifest says ${listed}`);
    }
  } finally {
    await Promise.all(cursors.map((c) => c.lines.return(undefined)));
  }
}
