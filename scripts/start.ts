// `npm start`: builds the renderer, starts the central server (PGlite under the user's data
// directory unless DATABASE_URL is set), then the agent desktop — the Electron window where the
// Electron binary exists, else the desk host in web mode serving the same renderer in a browser.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { DEMO_SEED_PASSWORD } from '../server/config.js';

const root = resolve(import.meta.dirname, '..');
const children: ChildProcess[] = [];

/** The Electron binary when its download happened, else null. Reads the package's path.txt
 * rather than requiring `electron`, which would try (and here fail) to download it. */
function electronBinary(): string | null {
  const packageDir = resolve(root, 'node_modules', 'electron');
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return resolve(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron');
  const pathFile = resolve(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = resolve(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

/** Starts a child process, echoes its output with a prefix, resolves with the first line matching `ready`. */
function startChild(name: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<RegExpMatchArray> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolveReady, rejectReady) => {
    let matched = false;
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        console.log(`[${name}] ${line}`);
        const match = matched ? null : line.match(ready);
        if (match) {
          matched = true;
          resolveReady(match);
        }
      });
    }
    child.on('exit', (code) => {
      if (!matched) rejectReady(new Error(`${name} exited with code ${code} before it was ready`));
      else shutdown(code ?? 1);
    });
  });
}

let stopping = false;
function shutdown(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 1_500).unref();
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

async function main(): Promise<void> {
  const skipBuild = process.argv.includes('--no-build');
  const electron = process.env.FRONTDESK_WEB === '1' ? null : electronBinary();

  if (!skipBuild) {
    console.log(electron ? 'Building the desktop app…' : 'Building the renderer…');
    const build = electron
      ? spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' })
      : spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('the build failed; see above');
  }

  // Request-by-request logs drown the desk's output; FRONTDESK_LOG_LEVEL=info brings them back.
  const serverEnv = { FRONTDESK_LOG_LEVEL: process.env.FRONTDESK_LOG_LEVEL ?? 'warn' };
  const [, serverUrl] = await startChild('server', ['server/main.ts'], serverEnv, /listening on (http:\/\/\S+)/);
  const env = { FRONTDESK_SERVER_URL: serverUrl };
  // Demo agents only exist under simulated telephony, where they get the seed password.
  console.log(`Sign in as demo-calltaker with ${process.env.FRONTDESK_SEED_PASSWORD ? 'FRONTDESK_SEED_PASSWORD' : `the demo password "${DEMO_SEED_PASSWORD}"`}.`);

  if (electron) {
    console.log('Opening the Frontdesk311 desktop window.');
    const app = spawn(electron, ['.'], { cwd: root, env: { ...process.env, ...env }, stdio: 'inherit' });
    children.push(app);
    app.on('exit', (code) => shutdown(code ?? 0));
    return;
  }

  const [, webUrl] = await startChild('desk', ['electron/host/web-main.ts'], env, /\(web mode\) at (http:\/\/\S+)/);
  console.log('');
  console.log(`  Frontdesk311 agent desktop: ${webUrl}`);
  console.log('  (web mode: the Electron binary is not installed; open the address above in a browser)');
  console.log(`  Place a call:   npm run call -- --from "+1 215 555 0142"`);
  console.log(`  A 911 transfer: npm run call -- --from "+1 215 555 0142" --transfer-911`);
  console.log('');
  if (process.env.DISPLAY && !process.env.CI) spawn('xdg-open', [webUrl!], { stdio: 'ignore', detached: true }).on('error', () => undefined).unref();
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${(error as Error).message}`);
  shutdown(1);
});
