// Which request paths map to which renderer files.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTypeFor, resolveStaticPath } from '../../fixtures/host/desk-host.js';

const root = path.resolve('renderer-build');

describe('resolveStaticPath', () => {
  it('maps / to index.html and nested paths inside the root', () => {
    expect(resolveStaticPath(root, '/')).toEqual({ file: path.join(root, 'index.html') });
    expect(resolveStaticPath(root, '/assets/app-1a2b.js?v=3')).toEqual({ file: path.join(root, 'assets', 'app-1a2b.js') });
  });

  it.each(['/../package.json', '/assets/../../package.json', '/%2e%2e/package.json', '/..%2fpackage.json'])('refuses %s', (url) => {
    expect(resolveStaticPath(root, url)).toEqual({ status: 403 });
  });

  it.each(['/%E0%A4%A', '/a%00b', '/..%5cpackage.json'])('answers %s with bad request', (url) => {
    expect(resolveStaticPath(root, url)).toEqual({ status: 400 });
  });

  it('knows the content types of a built renderer', () => {
    expect(contentTypeFor('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('app.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('style.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('ring.bin')).toBe('application/octet-stream');
  });
});
