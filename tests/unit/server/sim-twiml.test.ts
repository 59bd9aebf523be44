// The simulator's TwiML reader: the verbs and attributes it acts on, with Twilio's defaults.
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { parseTwiml } from '../../../server/telephony/sim-twiml.js';

describe('simulator TwiML reader', () => {
  it('reads <Dial><Conference> with its attributes and defaults', () => {
    const response = new twilio.twiml.VoiceResponse();
    response.dial({ action: '/after' }).conference(
      { endConferenceOnExit: true, waitUrl: '/wait', statusCallback: '/conference', statusCallbackEvent: ['start', 'end', 'join', 'hold'] },
      'call-42',
    );
    response.dial().conference('plain');
    const [full, plain] = parseTwiml(response.toString());
    expect(full).toMatchObject({
      verb: 'Dial',
      action: '/after',
      conference: {
        name: 'call-42',
        startConferenceOnEnter: true,
        endConferenceOnExit: true,
        waitUrl: '/wait',
        waitMethod: 'POST',
        statusCallback: '/conference',
        statusCallbackEvents: ['start', 'end', 'join', 'hold'],
      },
    });
    expect(plain).toMatchObject({ verb: 'Dial', action: null, conference: { name: 'plain', endConferenceOnExit: false, waitUrl: null, statusCallbackEvents: [] } });
  });

  it('reads Enqueue waitUrl, Say, Play, Pause, Redirect and Leave in order', () => {
    const response = new twilio.twiml.VoiceResponse();
    response.say('Hello');
    response.play('https://example.org/music.mp3');
    response.pause({ length: 3 });
    response.enqueue({ waitUrl: '/wait', action: '/left' }, 'general');
    response.leave();
    response.redirect('/next');
    expect(parseTwiml(response.toString())).toEqual([
      { verb: 'Say', text: 'Hello' },
      { verb: 'Play', url: 'https://example.org/music.mp3' },
      { verb: 'Pause', seconds: 3 },
      { verb: 'Enqueue', queue: 'general', waitUrl: '/wait', action: '/left' },
      { verb: 'Leave' },
      { verb: 'Redirect', url: '/next' },
    ]);
  });

  it('reads <Dial><Client> parameters and <Number>s', () => {
    const response = new twilio.twiml.VoiceResponse();
    const dial = response.dial({ timeout: 12 });
    const client = dial.client({ statusCallbackEvent: ['initiated', 'answered'] });
    client.identity('demo-calltaker');
    client.parameter({ name: 'callId', value: 'c-1' });
    response.dial().number('+12155550400');
    const [clientDial, numberDial] = parseTwiml(response.toString());
    expect(clientDial).toMatchObject({
      verb: 'Dial',
      timeoutSeconds: 12,
      clients: [{ identity: 'demo-calltaker', params: { callId: 'c-1' }, statusCallbackEvents: ['initiated', 'answered'] }],
      conference: null,
    });
    expect(numberDial).toMatchObject({ verb: 'Dial', numbers: ['+12155550400'], clients: [] });
  });
});
