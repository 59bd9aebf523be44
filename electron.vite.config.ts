// The desktop build (`npx electron-vite build` → out/): the main process with the desk host as a
// second entry (better-sqlite3 stays external: it is a native module loaded at run time), the
// sandboxed preload as one CommonJS file, and the same React renderer as the web build.
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { cspMetaPlugin } from './vite.config.js';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      externalizeDeps: { include: ['better-sqlite3'] },
      rolldownOptions: {
        input: {
          index: resolve(root, 'electron/main/index.ts'),
          'desk-host': resolve(root, 'electron/host/utility-entry.ts'),
        },
        external: ['better-sqlite3'],
        output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      rolldownOptions: {
        input: { index: resolve(root, 'electron/preload/index.ts') },
        // Sandboxed preloads cannot be ES modules; one self-contained CommonJS file it is.
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [react(), cspMetaPlugin()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      chunkSizeWarningLimit: 800,
      rolldownOptions: { input: { index: resolve(root, 'renderer/index.html') } },
    },
  },
});
