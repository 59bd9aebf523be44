// Webhook signature checks against Twilio's published test vectors, and the proxy rule for
// rebuilding the URL Twilio signed.
import { readFileSync } from 'node:fs';
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { isSignedByTwilio, webhookUrl } from '../../../server/telephony/signature.js';

interface SignatureVector {
  id: string;
  authToken: string;
  url: string;
  params: Record<string, string | string[]>;
  signature: string | null;
  expectValid: boolean;
}

const vectors = (
  JSON.parse(readFileSync(new URL('../../fixtures/server/twilio_webhook_vectors.json', import.meta.url), 'utf8')) as {
    signatureVectors: SignatureVector[];
  }
).signatureVectors;

/** Just what the check reads from a Fastify request. */
function fakeRequest(pathAndQuery: string, headers: Record<string, string>, body: unknown): FastifyRequest {
  return { url: pathAndQuery, headers, body } as unknown as FastifyRequest;
}

describe('isSignedByTwilio', () => {
  it.each(vectors.map((vector) => [vector.id, vector] as const))('vector %s', (_id, vector) => {
    const split = /^(https?:\/\/[^/]+)(\/.*)$/.exec(vector.url);
    expect(split).not.toBeNull();
    const [, origin, pathAndQuery] = split as unknown as [string, string, string];
    const headers: Record<string, string> = vector.signature === null ? {} : { 'x-twilio-signature': vector.signature };
    const settings = { authToken: vector.authToken, publicUrl: () => origin, trustProxy: false };
    expect(isSignedByTwilio(fakeRequest(pathAndQuery, headers, vector.params), settings)).toBe(vector.expectValid);
  });
});

describe('webhookUrl', () => {
  const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': '311.example.org' };

  it('uses the configured public URL and ignores forwarded headers unless told to trust a proxy', () => {
    const request = fakeRequest('/twilio/voice?x=1', forwarded, {});
    expect(webhookUrl(request, { authToken: 't', publicUrl: () => 'http://127.0.0.1:8311', trustProxy: false })).toBe(
      'http://127.0.0.1:8311/twilio/voice?x=1',
    );
    expect(webhookUrl(request, { authToken: 't', publicUrl: () => 'http://127.0.0.1:8311', trustProxy: true })).toBe(
      'https://311.example.org/twilio/voice?x=1',
    );
    expect(webhookUrl(fakeRequest('/twilio/voice', {}, {}), { authToken: 't', publicUrl: () => 'http://a', trustProxy: true })).toBe(
      'http://a/twilio/voice',
    );
  });
});
