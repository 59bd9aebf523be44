// Serves the built renderer in web mode: only files under its folder, with the content types
// and the Content-Security-Policy the desktop window also gets.
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

export const DESK_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' ws://127.0.0.1:* http://127.0.0.1:* ws://localhost:* http://localhost:* wss://*.twilio.com https://*.twilio.com",
  "media-src 'self' blob: https://*.twilio.com",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': DESK_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Maps a request path to a file inside `root`, or says why not. */
export function resolveStaticPath(root: string, rawUrl: string): { file: string } | { status: 400 | 403 } {
  const rawPath = rawUrl.split(/[?#]/, 1)[0] ?? '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { status: 400 };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { status: 400 };
  // Refuse any ".." segment outright rather than normalizing it away.
  if (decoded.split('/').some((segment) => segment === '..')) return { status: 403 };
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const base = path.resolve(root);
  const file = path.resolve(base, relative);
  if (file !== base && !file.startsWith(base + path.sep)) return { status: 403 };
  return { file };
}

export function serveStatic(root: string, request: IncomingMessage, response: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    return sendText(response, 405, 'Method not allowed');
  }
  const resolved = resolveStaticPath(root, request.url ?? '/');
  if ('status' in resolved) return sendText(response, resolved.status, resolved.status === 403 ? 'Forbidden' : 'Bad request');

  fs.stat(resolved.file, (error, stats) => {
    if (error || !stats.isFile()) {
      const notBuilt = resolved.file === path.resolve(root, 'index.html');
      return sendText(response, 404, notBuilt ? 'The renderer is not built yet (npm run build).' : 'Not found');
    }
    response.statusCode = 200;
    response.setHeader('content-type', contentTypeFor(resolved.file));
    response.setHeader('content-length', stats.size);
    // Built assets carry a content hash in their names; index.html must always be fresh.
    response.setHeader('cache-control', resolved.file.endsWith('.html') ? 'no-cache' : 'public, max-age=3600');
    if (request.method === 'HEAD') return void response.end();
    const stream = fs.createReadStream(resolved.file);
    stream.on('error', () => response.destroy());
    stream.pipe(response);
  });
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.statusCode = status;
  response.setHeader('content-type', 'text/plain; charset=utf-8');
  response.end(text);
}
