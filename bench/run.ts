// `npm run bench` runs every benchmark; `npm run bench -- <name>` runs one. Benchmarks measure and
// write bench/results/<name>.json; they never fail the build.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const benchDir = resolve(import.meta.dirname);
const available = readdirSync(benchDir)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.replace(/\.bench\.ts$/, ''))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : available) {
  console.log(`\n=== bench ${name} ===`);
  const module = (await import(pathToFileURL(resolve(benchDir, `${name}.bench.ts`)).href)) as { run: () => Promise<string> };
  const path = await module.run();
  console.log(`wrote ${path}`);
}
