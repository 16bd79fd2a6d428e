/** Writes a run to bench/results: <name>.json, <name>.md, <name>.svg and latest.svg. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdownTable } from './markdown.js';
import type { BenchRun } from './results.js';
import { svgChart } from './svg.js';

/** `2026-12-03`, `2026-12-03-quick`, `2026-12-03-create` (one scenario). */
export function runName(run: BenchRun, scenario: string | undefined): string {
  return [run.date, run.settings.quick ? 'quick' : '', scenario ?? ''].filter(Boolean).join('-');
}

export function writeResults(run: BenchRun, outDir: string, scenario: string | undefined): string[] {
  mkdirSync(outDir, { recursive: true });
  const name = runName(run, scenario);
  const svg = svgChart(run);
  const files: Array<[string, string]> = [
    [`${name}.json`, `${JSON.stringify(run, null, 2)}\n`],
    [`${name}.md`, `${markdownTable(run)}\n`],
    [`${name}.svg`, `${svg}\n`],
  ];
  if (!scenario) files.push(['latest.svg', `${svg}\n`]);
  return files.map(([file, text]) => {
    const path = join(outDir, file);
    writeFileSync(path, text);
    return path;
  });
}
