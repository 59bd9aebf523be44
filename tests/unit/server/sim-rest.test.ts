// The pure pieces of the simulated REST API and of TwilioVoiceApi: form fields as Twilio reads
// them, Basic auth, error bodies, and the client: target with custom parameters.
import { describe, expect, it } from 'vitest';
import { SIMULATED_TWILIO } from '../../../server/config.js';
import { formBool, formField, formList, isAuthorized, restErrorBody, SimRestError } from '../../../server/telephony/sim-rest-api.js';
import { participantTarget, toTwilioApiError, TwilioApiError } from '../../../server/telephony/twilio-voice-api.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('simulated REST API form fields', () => {
  it('reads repeated and space-separated lists, first values, and Twilio booleans', () => {
    expect(formList({ StatusCallbackEvent: ['initiated', 'ringing answered'] }, 'StatusCallbackEvent')).toEqual(['initiated', 'ringing', 'answered']);
    expect(formList({}, 'StatusCallbackEvent')).toEqual([]);
    expect(formField({ To: ['client:a', 'client:b'] }, 'To')).toBe('client:a');
    expect(formBool({ Hold: 'true' }, 'Hold')).toBe(true);
    expect(formBool({ Hold: 'false' }, 'Hold')).toBe(false);
    expect(formBool({}, 'Hold')).toBeUndefined();
    expect(() => formBool({ Hold: 'yes' }, 'Hold')).toThrow(SimRestError);
  });

  it('accepts the auth token or the API key, and nothing else', () => {
    const credentials = SIMULATED_TWILIO;
    expect(isAuthorized(basic(credentials.accountSid, credentials.authToken), credentials)).toBe(true);
    expect(isAuthorized(basic(credentials.apiKeySid, credentials.apiKeySecret), credentials)).toBe(true);
    expect(isAuthorized(basic(credentials.accountSid, credentials.apiKeySecret), credentials)).toBe(false);
    expect(isAuthorized(basic(credentials.apiKeySid, 'wrong'), credentials)).toBe(false);
    expect(isAuthorized(`Bearer ${credentials.authToken}`, credentials)).toBe(false);
    expect(isAuthorized(undefined, credentials)).toBe(false);
  });

  it("shapes errors like Twilio's", () => {
    expect(restErrorBody(new SimRestError(404, 20404, 'not found'))).toEqual({
      code: 20404,
      message: 'not found',
      more_info: 'https://www.twilio.com/docs/errors/20404',
      status: 404,
    });
  });
});

describe('TwilioVoiceApi mapping', () => {
  it('puts client parameters on a client: target as a query string, and leaves numbers alone', () => {
    expect(participantTarget('client:demo-triage', { callId: 'c 1', kind: 'warm&cold' })).toBe('client:demo-triage?callId=c+1&kind=warm%26cold');
    expect(participantTarget('client:demo-triage', {})).toBe('client:demo-triage');
    expect(participantTarget('+12155550400', { callId: 'c1' })).toBe('+12155550400');
  });

  it("turns the library's REST exceptions into TwilioApiError with code and status", () => {
    const restException = Object.assign(new Error('Call is not in-progress. Cannot redirect.'), { status: 400, code: 21220, moreInfo: 'https://www.twilio.com/docs/errors/21220' });
    const mapped = toTwilioApiError(restException);
    expect(mapped).toBeInstanceOf(TwilioApiError);
    expect(mapped).toMatchObject({ status: 400, code: 21220, message: 'Call is not in-progress. Cannot redirect.' });
    const network = new Error('ECONNREFUSED');
    expect(toTwilioApiError(network)).toBe(network);
  });
});
