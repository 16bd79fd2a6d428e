/** Line-oriented file I/O for the export format: buffered writers with back-pressure, line readers. */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';

/** Appends lines (each followed by `\n`) to a file, waiting when the stream's buffer is full. */
export class NdjsonWriter {
  private readonly stream: WriteStream;
  private failure: Error | undefined;
  lines = 0;

  constructor(readonly file: string) {
    this.stream = createWriteStream(file, { flags: 'wx' });
    this.stream.on('error', (e) => (this.failure = e));
  }

  async write(line: string): Promise<void> {
    if (this.failure) throw this.failure;
    this.lines++;
    // `once` also rejects when the stream emits 'error' while waiting.
    if (!this.stream.write(`${line}\n`)) await once(this.stream, 'drain');
    if (this.failure) throw this.failure;
  }

  /** Flushes and closes the file (fsync'd: an export is a backup). */
  async close(): Promise<void> {
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve, reject) => {
      this.stream.once('error', reject);
      this.stream.end(() => resolve());
    });
    const handle = await open(this.file, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

/** The non-empty lines of a file with their 1-based numbers (a trailing `\r` is dropped). */
export async function* readLines(file: string): AsyncGenerator<{ text: string; number: number }> {
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let number = 0;
  try {
    for await (const text of rl) {
      number++;
      if (text.trim() !== '') yield { text, number };
    }
  } finally {
    rl.close();
  }
}
