// The layer rules in eslint.config.js must really fail a change that breaks DESIGN.md's layering.
// Each case lints made-up source as if it were an existing file of that layer.
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules', () => {
  // The first lint loads the whole configuration (and the TypeScript parser): slow on a busy
  // machine, so it happens once here rather than inside the first case's time limit.
  beforeAll(async () => {
    await restrictedImports('renderer/main.tsx', 'export const x = 1;');
  }, 180_000);

  it.each([
    ['renderer/main.tsx', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;", /no Node modules/],
    ['renderer/main.tsx', "import path from 'path';\nexport const x = path;", /no Node modules/],
    ['renderer/main.tsx', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;", /Only electron\/main and electron\/preload/],
    ['renderer/main.tsx', "import Database from 'better-sqlite3';\nexport const x = Database;", /runs in Node only/],
    ['renderer/main.tsx', "import Database from 'better-sqlite3-multiple-ciphers';\nexport const x = Database;", /runs in Node only/],
    ['electron/host/host.ts', "import Database from 'better-sqlite3';\nexport const x = Database;", /The cache is encrypted/],
    ['electron/host/cache/meta.ts', "import type { Database } from 'better-sqlite3';\nexport type X = Database;", /The cache is encrypted/],
    ['renderer/main.tsx', "import { startHost } from '../electron/host/host.js';\nexport const x = startHost;", /renderer\/ may not import/],
    ['shared/phone.ts', "import { startServer } from '../server/app.js';\nexport const x = startServer;", /shared\/ may not import/],
    ['shared/phone.ts', "import { createHash } from 'node:crypto';\nexport const x = createHash;", /no Node modules/],
    ['electron/host/host.ts', "import { app } from 'electron';\nexport const x = app;", /Only electron\/main and electron\/preload/],
    ['server/app.ts', "import { BrowserWindow } from 'electron';\nexport const x = BrowserWindow;", /Only electron\/main and electron\/preload/],
    ['server/app.ts', "import { startHost } from '../electron/host/host.js';\nexport const x = startHost;", /The server may not import/],
    ['electron/host/host.ts', "import { App } from '../../renderer/app/App.js';\nexport const x = App;", /The desk host may not import/],
  ])('%s: refuses %j', async (filePath, code, message) => {
    const messages = await restrictedImports(filePath, code);
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.join('\n')).toMatch(message);
  });

  it.each([
    ['electron/main/index.ts', "import { app } from 'electron';\nexport const x = app;"],
    ['electron/preload/index.ts', "import { contextBridge } from 'electron';\nexport const x = contextBridge;"],
    ['renderer/main.tsx', "import { normalizePhone } from '../shared/phone.js';\nexport const x = normalizePhone;"],
    ['electron/host/cache/open-cache.ts', "import Database from 'better-sqlite3-multiple-ciphers';\nexport const x = Database;"],
    ['tests/e2e/stack.ts', "import { startHost } from '../../electron/host/host.js';\nexport const x = startHost;"],
  ])('%s: allows %j', async (filePath, code) => {
    expect(await restrictedImports(filePath, code)).toEqual([]);
  });

  it('bans focused tests and stray console calls in product code', async () => {
    const [focused] = await eslint.lintText("import { it } from 'vitest';\nit.only('x', () => undefined);\n", { filePath: 'tests/unit/shared/phone.test.ts' });
    expect(focused?.messages.map((m) => m.ruleId)).toContain('no-restricted-properties');
    const [logged] = await eslint.lintText("console.log('hello');\nexport {};\n", { filePath: 'server/app.ts' });
    expect(logged?.messages.map((m) => m.ruleId)).toContain('no-console');
  });
});
