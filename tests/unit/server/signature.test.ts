// Webhook signature checks against Twilio's published test vectors, and the proxy rule for
// rebuilding the URL Twilio signed.
import { readFileSync } from 'node:fs';
import type { FastifyRequest } from 'fastify';
import twilio from 'twilio';
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

describe('signatures behind a proxy and on other ports', () => {
  const authToken = 'proxy-test-auth-token';
  const params = { CallSid: `CA${'a'.repeat(32)}`, From: '+12155550142', To: '+12155550311', CallStatus: 'ringing' };
  const sign = (url: string) => twilio.getExpectedTwilioSignature(authToken, url, params);
  const settings = (trustProxy: boolean) => ({ authToken, publicUrl: () => 'http://10.0.0.5:8311', trustProxy });
  const request = (headers: Record<string, string>) => fakeRequest('/twilio/voice?site=north', headers, params);

  it('accepts a webhook signed for the public https URL when the proxy is trusted', () => {
    const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-host': '311.example.org', 'x-twilio-signature': sign('https://311.example.org/twilio/voice?site=north') };
    expect(isSignedByTwilio(request(headers), settings(true))).toBe(true);
    // The same headers from an untrusted hop are ignored, so the signature cannot match.
    expect(isSignedByTwilio(request(headers), settings(false))).toBe(false);
  });

  it('accepts a signature made with or without the default port (Twilio signs either form)', () => {
    for (const signedUrl of ['https://311.example.org:443/twilio/voice?site=north', 'https://311.example.org/twilio/voice?site=north']) {
      const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-host': '311.example.org', 'x-twilio-signature': sign(signedUrl) };
      expect(isSignedByTwilio(request(headers), settings(true))).toBe(true);
    }
  });

  it('keeps a non-default port from X-Forwarded-Port or the forwarded host', () => {
    const signed = sign('https://311.example.org:8443/twilio/voice?site=north');
    const viaPortHeader = { 'x-forwarded-proto': 'https', 'x-forwarded-host': '311.example.org', 'x-forwarded-port': '8443', 'x-twilio-signature': signed };
    expect(isSignedByTwilio(request(viaPortHeader), settings(true))).toBe(true);
    const viaHost = { 'x-forwarded-proto': 'https', 'x-forwarded-host': '311.example.org:8443', 'x-forwarded-port': '9999', 'x-twilio-signature': signed };
    expect(isSignedByTwilio(request(viaHost), settings(true))).toBe(true);
    expect(webhookUrl(request(viaPortHeader), settings(true))).toBe('https://311.example.org:8443/twilio/voice?site=north');
    // Signed for another host behind the same proxy: refused.
    const otherHost = { ...viaPortHeader, 'x-twilio-signature': sign('https://elsewhere.example.org:8443/twilio/voice?site=north') };
    expect(isSignedByTwilio(request(otherHost), settings(true))).toBe(false);
  });

  it('takes the first value of comma-separated forwarded headers (the client-facing proxy)', () => {
    const request2 = fakeRequest('/twilio/voice', { 'x-forwarded-proto': 'https, http', 'x-forwarded-host': '311.example.org, lb.internal', 'x-forwarded-port': '443, 80' }, {});
    expect(webhookUrl(request2, settings(true))).toBe('https://311.example.org/twilio/voice');
  });

  it('refuses a missing or empty signature header, tampered parameters and another query string', () => {
    const good = sign('http://10.0.0.5:8311/twilio/voice?site=north');
    expect(isSignedByTwilio(request({ 'x-twilio-signature': good }), settings(false))).toBe(true);
    expect(isSignedByTwilio(request({}), settings(false))).toBe(false);
    expect(isSignedByTwilio(request({ 'x-twilio-signature': '' }), settings(false))).toBe(false);
    const tampered = fakeRequest('/twilio/voice?site=north', { 'x-twilio-signature': good }, { ...params, From: '+12155550100' });
    expect(isSignedByTwilio(tampered, settings(false))).toBe(false);
    const wrongQuery = fakeRequest('/twilio/voice?site=south', { 'x-twilio-signature': good }, params);
    expect(isSignedByTwilio(wrongQuery, settings(false))).toBe(false);
  });
});
