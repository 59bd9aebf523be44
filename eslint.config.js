// Lint keeps the layers honest (see DESIGN.md): dependencies point one way, only the Electron
// glue imports `electron`, the renderer never imports Node, and `shared/` imports nothing of ours.
// These import rules are part of the architecture: do not relax them to make a change pass.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'stream',
  'url', 'util', 'events', 'worker_threads', 'zlib', 'module', 'process', 'buffer',
];
const nodeOnlyPackages = ['better-sqlite3', 'better-sqlite3-multiple-ciphers', 'pg', '@electric-sql/pglite', 'fastify', '@fastify/*', 'ws', 'twilio', 'twilio/*'];

const noElectron = { regex: '^electron(/.*)?$', message: 'Only electron/main and electron/preload may import electron.' };
const noNode = { group: nodeBuiltins, message: 'The renderer runs in a sandboxed browser page: no Node modules.' };
const noNodeOnly = { group: nodeOnlyPackages, message: 'This package runs in Node only; reach it through DeskApi or the server.' };
const noPlainSqlite = { group: ['better-sqlite3'], message: 'The cache is encrypted: open it through electron/host/cache/open-cache.ts, never with plain better-sqlite3.' };
const layer = (name, folders) => ({
  group: folders.map((folder) => `**/${folder}/**`),
  message: `${name} may not import from here (see the layer table in DESIGN.md).`,
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'release/**', 'test-results/**', 'bench/results/**', '.electron-native/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      'no-restricted-imports': ['error', { patterns: [noElectron] }],
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [noElectron, noNode, noNodeOnly, layer('shared/', ['electron', 'renderer', 'server', 'scripts', 'tests', 'bench'])],
      }],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [noElectron, noNode, noNodeOnly, layer('renderer/', ['electron', 'server', 'scripts', 'tests', 'bench'])],
      }],
    },
  },
  {
    files: ['electron/host/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [noElectron, noPlainSqlite, layer('The desk host', ['renderer', 'server', 'electron/main', 'electron/preload'])] }],
    },
  },
  {
    files: ['electron/main/**', 'electron/preload/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [layer('The Electron glue', ['renderer', 'server'])] }],
    },
  },
  {
    files: ['server/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [noElectron, layer('The server', ['electron', 'renderer'])] }],
    },
  },
  {
    // Scripts, tests and benchmarks talk to people and to CI through the console.
    files: ['scripts/**', 'tests/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['tests/**'],
    rules: {
      'no-restricted-properties': ['error',
        { object: 'it', property: 'only', message: 'A focused test silences the rest of the suite.' },
        { object: 'test', property: 'only', message: 'A focused test silences the rest of the suite.' },
        { object: 'describe', property: 'only', message: 'A focused test silences the rest of the suite.' },
      ],
    },
  },
);
