// The desktop build (`npx electron-vite build` → out/): the main process with the desk host as a
// second entry (the SQLite driver and Argon2 stay external: native modules loaded at run time),
// the sandboxed preloads as self-contained CommonJS files, and the same React renderer as the web
// build plus the cache passphrase prompt's page.
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { cspMetaPlugin } from './vite.config.js';

const root = import.meta.dirname;
// The encrypting SQLite driver (the only one the app loads) and Argon2 for the cache passphrase.
const NATIVE_MODULES = ['better-sqlite3-multiple-ciphers', '@node-rs/argon2'];

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      externalizeDeps: { include: NATIVE_MODULES },
      rolldownOptions: {
        input: {
          index: resolve(root, 'electron/main/index.ts'),
          'desk-host': resolve(root, 'electron/host/utility-entry.ts'),
        },
        external: NATIVE_MODULES,
        output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      rolldownOptions: {
        input: { index: resolve(root, 'electron/preload/index.ts'), passphrase: resolve(root, 'electron/preload/passphrase.ts') },
        // Sandboxed preloads cannot be ES modules nor require files of their own: one CommonJS file
        // each. Two inputs rule out codeSplitting: false, so the two share no module but electron's
        // (tests/unit/electron/preload-passphrase.test.ts checks), leaving rolldown nothing to split.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [react(), cspMetaPlugin()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      chunkSizeWarningLimit: 800,
      rolldownOptions: { input: { index: resolve(root, 'renderer/index.html'), passphrase: resolve(root, 'renderer/passphrase.html') } },
    },
  },
});
