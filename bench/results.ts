import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const FILE = new URL('./results.json', import.meta.url);

/** Writes one benchmark's section of bench/results.json, keeping the other benchmarks' sections. */
export function saveResults(section: 'flows' | 'coldStart' | 'chaos', data: unknown): void {
  const all = existsSync(FILE) ? (JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(FILE, `${JSON.stringify({ ...all, [section]: data }, null, 2)}\n`);
}
