/**
 * Re-renders a stored run: `node dist/bench/render.js bench/results/<name>.json` rewrites
 * <name>.md and <name>.svg beside it (e.g. after a change to the report layout) and prints the table.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { markdownTable } from './report/markdown.js';
import type { BenchRun } from './report/results.js';
import { svgChart } from './report/svg.js';

const file = process.argv[2];
if (!file || !file.endsWith('.json')) {
  console.error('usage: node dist/bench/render.js bench/results/<name>.json');
  process.exit(1);
}
const run = JSON.parse(readFileSync(file, 'utf8')) as BenchRun;
const base = file.slice(0, -'.json'.length);
writeFileSync(`${base}.md`, `${markdownTable(run)}\n`);
writeFileSync(`${base}.svg`, `${svgChart(run)}\n`);
console.log(markdownTable(run));
