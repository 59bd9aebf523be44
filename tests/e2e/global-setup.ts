// Builds the renderer once for every end-to-end test and checks the browser is there.
import { existsSync } from 'node:fs';
import { build } from 'vite';
import { CHROMIUM_PATH, RENDERER_DIR } from './stack.js';

export default async function setup(): Promise<void> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`End-to-end tests need Debian's Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium`);
  }
  await build({ configFile: 'vite.config.ts', logLevel: 'warn', build: { outDir: RENDERER_DIR, emptyOutDir: true } });
}
