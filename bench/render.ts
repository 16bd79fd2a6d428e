/**
 * Re-renders a stored run: `node dist/bench/render.js bench/results/<name>.json` rewrites
 * <name>.md (and <name>.svg for runs beside the peer) beside it, e.g. after a change to the
 * report layout, and prints the table.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { backendsTable } from './report/backends-markdown.js';
import { markdownTable } from './report/markdown.js';
import type { BackendsRun, BenchRun } from './report/results.js';
import { svgChart } from './report/svg.js';

const file = process.argv[2];
if (!file || !file.endsWith('.json')) {
  console.error('usage: node dist/bench/render.js bench/results/<name>.json');
  process.exit(1);
}
const stored = JSON.parse(readFileSync(file, 'utf8')) as BenchRun | BackendsRun;
const base = file.slice(0, -'.json'.length);
if ('kind' in stored && stored.kind === 'backends') {
  writeFileSync(`${base}.md`, `${backendsTable(stored)}\n`);
  console.log(backendsTable(stored));
} else {
  const run = stored as BenchRun;
  writeFileSync(`${base}.md`, `${markdownTable(run)}\n`);
  writeFileSync(`${base}.svg`, `${svgChart(run)}\n`);
  console.log(markdownTable(run));
}
