// Checks X-Twilio-Signature on webhooks. Twilio signs the full URL it called plus the POST
// parameters, so the server rebuilds that URL from its public address, never from the Host
// header, unless it was told a trusted proxy sets X-Forwarded-Proto/Host.
import type { FastifyRequest } from 'fastify';
import twilio from 'twilio';

export interface SignatureSettings {
  authToken: string;
  /** The base URL Twilio was configured with (no trailing slash). */
  publicUrl: () => string;
  trustProxy: boolean;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first?.split(',')[0]?.trim() || undefined;
}

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443' };

/**
 * The URL Twilio called. Behind a trusted proxy it is rebuilt from X-Forwarded-Proto/Host (the
 * first of each, as the client-facing proxy set it), with X-Forwarded-Port when the host carries
 * none and the port is not the scheme's default. Port variants are then tried by the validator.
 */
export function webhookUrl(request: FastifyRequest, settings: SignatureSettings): string {
  let base = settings.publicUrl();
  if (settings.trustProxy) {
    const proto = firstHeader(request.headers['x-forwarded-proto'])?.toLowerCase();
    const host = firstHeader(request.headers['x-forwarded-host']);
    const port = firstHeader(request.headers['x-forwarded-port']);
    if (proto && host) {
      const hasPort = /:\d+$/.test(host) && !host.endsWith(']');
      const withPort = !hasPort && port && /^\d+$/.test(port) && DEFAULT_PORTS[proto] !== port ? `${host}:${port}` : host;
      base = `${proto}://${withPort}`;
    }
  }
  return `${base}${request.url}`;
}

export function isSignedByTwilio(request: FastifyRequest, settings: SignatureSettings): boolean {
  const signature = request.headers['x-twilio-signature'];
  if (typeof signature !== 'string' || signature === '') return false;
  const params = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
  return twilio.validateRequest(settings.authToken, signature, webhookUrl(request, settings), params);
}
