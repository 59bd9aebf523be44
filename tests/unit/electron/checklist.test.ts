// Electron's security checklist, checked in the source of electron/main and electron/preload with
// the TypeScript parser: window settings, navigation and new windows, permissions, IPC senders,
// shell.openExternal and the preload's bridge. Each check also runs on a bad snippet, so a check
// that cannot fail would show here.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { isPermissionAllowed } from '../../../electron/main/security.js';

type Sources = ts.SourceFile[];

function parse(name: string, text: string): ts.SourceFile {
  return ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function load(dir: string): Sources {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => parse(path.join(dir, file), readFileSync(path.join(dir, file), 'utf8')));
}

function nodesOf(sources: Sources): ts.Node[] {
  const all: ts.Node[] = [];
  const visit = (node: ts.Node) => {
    all.push(node);
    node.forEachChild(visit);
  };
  for (const source of sources) visit(source);
  return all;
}

function where(node: ts.Node): string {
  const source = node.getSourceFile();
  return `${path.basename(source.fileName)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
}

const calleeName = (call: ts.CallExpression): string | null =>
  ts.isIdentifier(call.expression) ? call.expression.text : ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : null;
const receiverText = (call: ts.CallExpression): string =>
  ts.isPropertyAccessExpression(call.expression) ? call.expression.expression.getText() : '';
const calls = (sources: Sources): ts.CallExpression[] => nodesOf(sources).filter(ts.isCallExpression);
const firstArgText = (call: ts.CallExpression): string | null => {
  const arg = call.arguments[0];
  return arg && ts.isStringLiteralLike(arg) ? arg.text : null;
};

/** Named functions (declarations and `const f = () => …`) across the sources. */
function functionIndex(sources: Sources): Map<string, ts.Node[]> {
  const index = new Map<string, ts.Node[]>();
  const add = (name: string, node: ts.Node) => index.set(name, [...(index.get(name) ?? []), node]);
  for (const node of nodesOf(sources)) {
    if (ts.isFunctionDeclaration(node) && node.name) add(node.name.text, node);
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer
      && (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer))) add(node.name.text, node.initializer);
  }
  return index;
}

/** Does running `start` call `target`, directly or through the named functions it uses? */
function reaches(start: ts.Node, target: string, index: Map<string, ts.Node[]>, seen = new Set<ts.Node>()): boolean {
  if (seen.has(start)) return false;
  seen.add(start);
  let found = false;
  const visit = (node: ts.Node) => {
    if (found) return;
    if (ts.isCallExpression(node) && calleeName(node) === target) found = true;
    else if (ts.isIdentifier(node) && index.has(node.text) && node.text !== target) {
      for (const declaration of index.get(node.text) ?? []) if (reaches(declaration, target, index, seen)) found = true;
    }
    node.forEachChild(visit);
  };
  visit(start);
  return found;
}

function objectProperty(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property) && property.name.getText() === name) return property.initializer;
  }
  return undefined;
}

const isTrue = (expression: ts.Expression | undefined) => expression?.kind === ts.SyntaxKind.TrueKeyword;
const isFalse = (expression: ts.Expression | undefined) => expression?.kind === ts.SyntaxKind.FalseKeyword;

function windowSettingProblems(sources: Sources): string[] {
  const problems: string[] = [];
  const preferences = nodesOf(sources).filter(
    (node): node is ts.PropertyAssignment => ts.isPropertyAssignment(node) && node.name.getText() === 'webPreferences',
  );
  if (preferences.length === 0) problems.push('no BrowserWindow webPreferences found');
  for (const property of preferences) {
    if (!ts.isObjectLiteralExpression(property.initializer)) {
      problems.push(`${where(property)}: webPreferences is not written out where the window is made`);
      continue;
    }
    const settings = property.initializer;
    if (!isTrue(objectProperty(settings, 'contextIsolation'))) problems.push(`${where(property)}: contextIsolation is not true`);
    if (!isTrue(objectProperty(settings, 'sandbox'))) problems.push(`${where(property)}: sandbox is not true`);
    if (!isFalse(objectProperty(settings, 'nodeIntegration'))) problems.push(`${where(property)}: nodeIntegration is not false`);
    for (const name of ['webSecurity']) if (isFalse(objectProperty(settings, name))) problems.push(`${where(property)}: ${name} is disabled`);
    for (const name of ['nodeIntegrationInWorker', 'nodeIntegrationInSubFrames', 'allowRunningInsecureContent', 'webviewTag', 'experimentalFeatures']) {
      if (isTrue(objectProperty(settings, name))) problems.push(`${where(property)}: ${name} is enabled`);
    }
  }
  if (!calls(sources).some((call) => calleeName(call) === 'enableSandbox' && receiverText(call) === 'app')) problems.push('app.enableSandbox() is never called');
  return problems;
}

function navigationProblems(sources: Sources): string[] {
  const problems: string[] = [];
  const index = functionIndex(sources);
  const all = calls(sources);
  const navigationGuards = all.filter((call) => calleeName(call) === 'on' && firstArgText(call) === 'will-navigate');
  if (!navigationGuards.some((call) => call.arguments[1] && reaches(call.arguments[1], 'preventDefault', index))) problems.push('will-navigate is not prevented');
  const openHandlers = all.filter((call) => calleeName(call) === 'setWindowOpenHandler');
  if (openHandlers.length === 0) problems.push('no setWindowOpenHandler');
  for (const call of openHandlers) {
    const text = call.arguments[0]?.getText() ?? '';
    if (!/action:\s*'deny'/.test(text) || /'allow'/.test(text)) problems.push(`${where(call)}: a window-open handler that does not always deny`);
  }
  // The guards must cover every web contents, not only the window the app meant to make.
  const created = all.filter((call) => calleeName(call) === 'on' && firstArgText(call) === 'web-contents-created');
  const covered = created.some((call) => {
    const handler = call.arguments[1];
    return handler !== undefined && reaches(handler, 'setWindowOpenHandler', index) && reaches(handler, 'preventDefault', index);
  });
  if (!covered) problems.push('web-contents-created does not lock down every new web contents');
  return problems;
}

function permissionProblems(sources: Sources): string[] {
  const problems: string[] = [];
  const names = new Set(calls(sources).map(calleeName));
  if (!names.has('setPermissionRequestHandler')) problems.push('no setPermissionRequestHandler');
  if (!names.has('setPermissionCheckHandler')) problems.push('no setPermissionCheckHandler');
  return problems;
}

function ipcSenderProblems(sources: Sources): string[] {
  const index = functionIndex(sources);
  const registrations = calls(sources).filter(
    (call) => /(^|\.)ipcMain$/.test(receiverText(call)) && ['handle', 'handleOnce', 'on', 'once'].includes(calleeName(call) ?? ''),
  );
  const problems = registrations.length === 0 ? ['no ipcMain handlers found'] : [];
  for (const call of registrations) {
    const handler = call.arguments[1];
    if (!handler || !reaches(handler, 'isTrustedSender', index)) problems.push(`${where(call)}: an IPC handler that does not check its sender`);
  }
  return problems;
}

function openExternalProblems(sources: Sources): string[] {
  return calls(sources)
    .filter((call) => calleeName(call) === 'openExternal' && !(call.arguments[0] && ts.isStringLiteralLike(call.arguments[0])))
    .map((call) => `${where(call)}: shell.openExternal with a URL that is not a constant`);
}

function preloadProblems(sources: Sources): string[] {
  const problems: string[] = [];
  if (!calls(sources).some((call) => calleeName(call) === 'exposeInMainWorld')) problems.push('nothing is exposed through contextBridge');
  for (const node of nodesOf(sources)) {
    if (!ts.isIdentifier(node) || node.text !== 'ipcRenderer') continue;
    const parent = node.parent;
    const asReceiver = ts.isPropertyAccessExpression(parent) && parent.expression === node;
    if (!asReceiver && !ts.isImportSpecifier(parent)) problems.push(`${where(node)}: ipcRenderer itself is handed on`);
  }
  return problems;
}

const main = load('electron/main');
const preload = load('electron/preload');
const snippet = (text: string): Sources => [parse('bad.ts', text)];

describe('Electron security checklist (electron/main, electron/preload)', () => {
  it('makes windows context-isolated and sandboxed, with no Node and web security on', () => {
    expect(windowSettingProblems(main)).toEqual([]);
    expect(windowSettingProblems(snippet(`app.enableSandbox(); new BrowserWindow({ webPreferences: { contextIsolation: true, sandbox: false, nodeIntegration: false, webSecurity: false } });`)))
      .toEqual(['bad.ts:1: sandbox is not true', 'bad.ts:1: webSecurity is disabled']);
    expect(windowSettingProblems(snippet(`new BrowserWindow({ webPreferences: { contextIsolation: true, sandbox: true } });`)))
      .toEqual(['bad.ts:1: nodeIntegration is not false', 'app.enableSandbox() is never called']);
  });

  it('denies navigation and new windows for every web contents', () => {
    expect(navigationProblems(main)).toEqual([]);
    expect(navigationProblems(snippet(`
      function lock(c) { c.on('will-navigate', (e) => log(e)); c.setWindowOpenHandler(({ url }) => url.startsWith('https:') ? { action: 'allow' } : { action: 'deny' }); }
      app.on('web-contents-created', (_e, c) => lock(c));`))).toEqual([
      'will-navigate is not prevented',
      'bad.ts:2: a window-open handler that does not always deny',
      'web-contents-created does not lock down every new web contents',
    ]);
    expect(navigationProblems(snippet(`
      function lock(c) { c.on('will-navigate', (e) => e.preventDefault()); c.setWindowOpenHandler(() => ({ action: 'deny' })); }
      lock(window.webContents);`))).toEqual(['web-contents-created does not lock down every new web contents']);
  });

  it('handles permission requests and checks, allowing the microphone to the app page only', () => {
    expect(permissionProblems(main)).toEqual([]);
    expect(permissionProblems(snippet(`session.setPermissionRequestHandler((w, p, cb) => cb(false));`))).toEqual(['no setPermissionCheckHandler']);
    const pages = { rendererFileUrl: 'file:///app/out/renderer/index.html', devServerOrigin: null };
    const appPage = 'file:///app/out/renderer/index.html';
    expect(isPermissionAllowed('media', { requestingUrl: appPage, mediaTypes: ['audio'], isMainFrame: true }, pages)).toBe(true);
    expect(isPermissionAllowed('media', { requestingUrl: appPage, mediaTypes: ['audio', 'video'], isMainFrame: true }, pages)).toBe(false);
    expect(isPermissionAllowed('media', { requestingUrl: 'https://evil.example/', mediaTypes: ['audio'], isMainFrame: true }, pages)).toBe(false);
    expect(isPermissionAllowed('media', { requestingUrl: 'file:///elsewhere/index.html', mediaTypes: ['audio'], isMainFrame: true }, pages)).toBe(false);
    expect(isPermissionAllowed('media', { requestingUrl: appPage, mediaTypes: ['audio'], isMainFrame: false }, pages)).toBe(false);
    for (const permission of ['geolocation', 'notifications', 'openExternal', 'clipboard-read', 'display-capture']) {
      expect(isPermissionAllowed(permission, { requestingUrl: appPage, isMainFrame: true }, pages), permission).toBe(false);
    }
  });

  it('checks the sender of every IPC message', () => {
    expect(ipcSenderProblems(main)).toEqual([]);
    expect(ipcSenderProblems(snippet(`
      const checked = (event, p) => isTrustedSender(event, pages) ? run(p) : null;
      ipcMain.handle('a', checked);
      ipcMain.on('b', (event, p) => run(p));`))).toEqual(['bad.ts:4: an IPC handler that does not check its sender']);
  });

  it('never opens an external URL it did not write itself', () => {
    expect(openExternalProblems([...main, ...preload])).toEqual([]);
    expect(openExternalProblems(snippet(`shell.openExternal('https://www.phila.gov/311'); shell.openExternal(url);`)))
      .toEqual(['bad.ts:1: shell.openExternal with a URL that is not a constant']);
  });

  it('exposes functions through contextBridge, never ipcRenderer itself', () => {
    expect(preloadProblems(preload)).toEqual([]);
    expect(preloadProblems(snippet(`import { contextBridge, ipcRenderer } from 'electron'; contextBridge.exposeInMainWorld('ipc', ipcRenderer);`)))
      .toEqual(['bad.ts:1: ipcRenderer itself is handed on']);
  });
});
