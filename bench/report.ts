// Writes one benchmark's figures to bench/results/<name>.json in the format of BENCH.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';

export type Metric = { value: number; unit: string; target?: number; better: 'lower' | 'higher' };

export function writeBenchResult(name: string, params: Record<string, unknown>, metrics: Record<string, Metric>): string {
  const dir = resolve(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  const result = {
    name,
    when: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version, note: 'shared, noisy' },
    params,
    metrics,
  };
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

/** The p-th percentile (0–100) of a list of samples, by nearest rank. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
