// `npm run rebuild:electron-native`: builds the cache's SQLite driver (better-sqlite3-multiple-ciphers,
// better-sqlite3 with encryption) for Electron's ABI into .electron-native/ (a copy, never
// node_modules), so `electron-vite dev` can load it while `npm test` keeps using the Node build.
// Needs the internet: @electron/rebuild downloads Electron's headers.
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { rebuild } from '@electron/rebuild';

const repo = resolve(import.meta.dirname, '..');
const nativeDir = join(repo, '.electron-native');
const MODULE = 'better-sqlite3-multiple-ciphers';
const moduleSource = join(repo, 'node_modules', MODULE);
// @electron/rebuild walks a project's node_modules, so the copy gets a tiny project of its own.
const moduleCopy = join(nativeDir, 'node_modules', MODULE);
// Named for the driver, so a stale rebuild of plain better-sqlite3 (no encryption) is never picked up.
const binding = join(nativeDir, 'better_sqlite3_multiple_ciphers.node');

function readVersion(packageDir: string): string {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version?: string };
  if (!manifest.version) throw new Error(`no version in ${packageDir}/package.json`);
  return manifest.version;
}

async function main(): Promise<void> {
  if (!existsSync(moduleSource)) throw new Error(`node_modules/${MODULE} is missing: run npm install first`);
  const electronVersion = readVersion(join(repo, 'node_modules', 'electron'));
  const sqliteVersion = readVersion(moduleSource);

  rmSync(nativeDir, { recursive: true, force: true });
  mkdirSync(join(nativeDir, 'node_modules'), { recursive: true });
  // The Node build's output must not be mistaken for Electron's.
  cpSync(moduleSource, moduleCopy, { recursive: true, filter: (path) => !path.startsWith(join(moduleSource, 'build')) });
  writeFileSync(
    join(nativeDir, 'package.json'),
    `${JSON.stringify({ name: 'frontdesk311-electron-native', private: true, dependencies: { [MODULE]: sqliteVersion } }, null, 2)}\n`,
  );

  process.stdout.write(`Rebuilding ${MODULE} ${sqliteVersion} for Electron ${electronVersion}...\n`);
  await rebuild({ buildPath: nativeDir, electronVersion, onlyModules: [MODULE], force: true, buildFromSource: true });

  const built = join(moduleCopy, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(built)) throw new Error(`the rebuild finished but ${built} is missing`);
  copyFileSync(built, binding);
  process.stdout.write(`Electron's ${MODULE} is at ${binding}; the desktop loads it in development.\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Rebuilding ${MODULE} for Electron failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
