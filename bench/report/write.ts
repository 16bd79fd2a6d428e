/**
 * Writes a run to bench/results: <name>.json, <name>.md, <name>.svg and latest.svg (ours beside
 * the peer), or <name>.json and <name>.md (a backend comparison).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { backendsTable } from './backends-markdown.js';
import { markdownTable } from './markdown.js';
import type { BackendsRun, BenchRun } from './results.js';
import { svgChart } from './svg.js';

/** `2026-12-03`, `2026-12-03-quick`, `2026-12-03-create` (one scenario), `2026-12-04-pg2` (ours on PostgreSQL, 2 nodes). */
export function runName(run: BenchRun, scenario: string | undefined): string {
  const backend = run.settings.backend && run.settings.backend !== 'sqlite' ? run.settings.backend : '';
  return [run.date, run.settings.quick ? 'quick' : '', backend, scenario?.replaceAll(',', '+') ?? ''].filter(Boolean).join('-');
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
  if (!scenario && !run.settings.backend?.startsWith('pg')) files.push(['latest.svg', `${svg}\n`]);
  return files.map(([file, text]) => {
    const path = join(outDir, file);
    writeFileSync(path, text);
    return path;
  });
}

/** `2026-12-04-quick-backends` (every scenario), `2026-12-04-backends-create` (one). */
export function backendsRunName(run: BackendsRun, scenario: string | undefined): string {
  return [run.date, run.settings.quick ? 'quick' : '', 'backends', scenario?.replaceAll(',', '+') ?? ''].filter(Boolean).join('-');
}

export function writeBackendsResults(run: BackendsRun, outDir: string, scenario: string | undefined): string[] {
  mkdirSync(outDir, { recursive: true });
  const name = backendsRunName(run, scenario);
  const files: Array<[string, string]> = [
    [`${name}.json`, `${JSON.stringify(run, null, 2)}\n`],
    [`${name}.md`, `${backendsTable(run)}\n`],
  ];
  return files.map(([file, text]) => {
    const path = join(outDir, file);
    writeFileSync(path, text);
    return path;
  });
}
