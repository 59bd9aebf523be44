// The renderer's web build: renderer/ → dist/renderer, served by the desk host in web mode and
// used by the browser end-to-end tests. Relative base so the same files also load from file://.
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { contentSecurityPolicyMeta } from './build/csp.js';

/** Built pages carry the CSP in a <meta> tag; the dev server's inline preamble would break under it. */
export function cspMetaPlugin(): Plugin {
  return {
    name: 'frontdesk311:csp-meta',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      // Right after the charset, before anything the policy should govern.
      handler: (html) => html.replace(/(<meta charset="[^"]*"\s*\/?>)/i, `$1\n    ${contentSecurityPolicyMeta()}`),
    },
  };
}

export default defineConfig({
  root: resolve(import.meta.dirname, 'renderer'),
  base: './',
  plugins: [react(), cspMetaPlugin()],
  build: {
    outDir: resolve(import.meta.dirname, 'dist/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The bundle loads from disk or the local desk host, never over a slow link; phone-number
    // metadata and the contract's schemas make the main chunk a little over Vite's default hint.
    chunkSizeWarningLimit: 800,
  },
});
