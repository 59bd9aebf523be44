// The TwiML the server writes and the simulator reads back, and configuration from env vars.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { defaultDataDir, DEMO_SEED_PASSWORD, DEMO_TOKEN_SECRET, loadServerConfig, SIMULATED_TWILIO } from '../../../server/config.js';
import { parseTwiml } from '../../../server/telephony/sim-twiml.js';
import { conferenceTwiml, dialAgentTwiml, enqueueTwiml, hangupTwiml, queueWaitTwiml } from '../../../server/telephony/twiml.js';

describe('TwiML', () => {
  it('dials an agent client with the call facts as parameters, and reads back the same', () => {
    const xml = dialAgentTwiml({
      agentId: 'demo-triage',
      callId: '018e3b1a-0000-7000-8000-000000000001',
      queue: 'triage',
      is911Transfer: true,
      receivedAt: '2026-11-25T10:00:00.000Z',
      ringTimeoutSeconds: 20,
    });
    expect(xml).toContain(
      '<Dial answerOnBridge="true" timeout="20" action="/twilio/dial-result">' +
        '<Client statusCallback="/twilio/status" statusCallbackEvent="initiated ringing answered completed">' +
        '<Identity>demo-triage</Identity>',
    );
    expect(parseTwiml(xml)).toEqual([
      {
        verb: 'Dial',
        action: '/twilio/dial-result',
        timeoutSeconds: 20,
        clients: [
          {
            identity: 'demo-triage',
            statusCallback: '/twilio/status',
            statusCallbackEvents: ['initiated', 'ringing', 'answered', 'completed'],
            params: {
              callId: '018e3b1a-0000-7000-8000-000000000001',
              queue: 'triage',
              is911Transfer: 'true',
              receivedAt: '2026-11-25T10:00:00.000Z',
            },
          },
        ],
        numbers: [],
        conference: null,
      },
    ]);
  });

  it('tells a waiting caller their place in line before the hold music', () => {
    expect(parseTwiml(queueWaitTwiml(3, 'https://311.example.org/hold.mp3'))).toEqual([
      { verb: 'Say', text: 'You are number 3 in line.' },
      { verb: 'Play', url: 'https://311.example.org/hold.mp3' },
    ]);
    expect(parseTwiml(queueWaitTwiml(1, 'https://311.example.org/hold.mp3'))[0]).toEqual({ verb: 'Say', text: 'You are next in line.' });
    expect(parseTwiml(queueWaitTwiml(null, 'https://311.example.org/hold.mp3'))).toEqual([{ verb: 'Play', url: 'https://311.example.org/hold.mp3' }]);
  });

  it('moves a leg into the conference named after the call, ending it only when the caller leaves', () => {
    const [callerLeg] = parseTwiml(conferenceTwiml({ name: 'call-1', endConferenceOnExit: true, holdMusicUrl: 'https://311.example.org/hold.mp3' }));
    expect(callerLeg).toMatchObject({
      verb: 'Dial',
      conference: {
        name: 'call-1', startConferenceOnEnter: true, endConferenceOnExit: true, waitUrl: 'https://311.example.org/hold.mp3',
        statusCallback: '/twilio/conference', statusCallbackEvents: ['start', 'end', 'join', 'leave'],
      },
    });
    const [agentLeg] = parseTwiml(conferenceTwiml({ name: 'call-1', endConferenceOnExit: false, holdMusicUrl: 'https://311.example.org/hold.mp3' }));
    expect(agentLeg).toMatchObject({ conference: { endConferenceOnExit: false } });
  });

  it('says a hold message before enqueueing, and hangs up', () => {
    const verbs = parseTwiml(enqueueTwiml('general'));
    expect(verbs.map((verb) => verb.verb)).toEqual(['Say', 'Enqueue']);
    expect(verbs[1]).toEqual({ verb: 'Enqueue', queue: 'general', waitUrl: '/twilio/queue-wait', action: null });
    expect(parseTwiml(hangupTwiml())).toEqual([{ verb: 'Hangup' }]);
    expect(() => parseTwiml('<html></html>')).toThrow(/TwiML/);
  });
});

describe('loadServerConfig', () => {
  it('defaults to simulated telephony with fake credentials and the demo seed', () => {
    const config = loadServerConfig({ HOME: '/home/agent' });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8311,
      telephony: 'simulated',
      transfer911Numbers: ['+12155550911'],
      mainNumber: '+12155550311',
      seed: { callers: 2000, cases: 6000 },
      tokenSecret: DEMO_TOKEN_SECRET,
      twilio: SIMULATED_TWILIO,
      trustProxy: false,
      wrapUpSeconds: 30,
      awayAfterMissedCalls: 1,
    });
    expect(config.databaseUrl).toBeUndefined();
    // The shipped department lines are fictional 555-01xx numbers.
    expect(config.departmentLines.length).toBeGreaterThanOrEqual(5);
    for (const line of config.departmentLines) expect(line.phone).toMatch(/^\+121555501\d\d$/);
  });

  it('reads every variable it documents', () => {
    const config = loadServerConfig({
      FRONTDESK_SERVER_HOST: '0.0.0.0',
      FRONTDESK_SERVER_PORT: '0',
      FRONTDESK_DATA_DIR: '/var/lib/fd',
      DATABASE_URL: 'postgres://db/frontdesk',
      FRONTDESK_PUBLIC_URL: 'https://311.example.org/',
      FRONTDESK_TRUST_PROXY: 'true',
      FRONTDESK_911_TRANSFER_NUMBERS: '+12155550911, +12155550912',
      FRONTDESK_SEED_CALLERS: '10',
      FRONTDESK_SEED_CASES: '20',
      FRONTDESK_LOG_LEVEL: 'warn',
      FRONTDESK_WRAP_UP_SECONDS: '45',
      FRONTDESK_AWAY_AFTER_MISSED_CALLS: '2',
      FRONTDESK_HOLD_MUSIC_URL: 'https://311.example.org/hold.mp3',
      FRONTDESK_EMERGENCY_TRANSFER_NUMBER: '+12155550199',
      FRONTDESK_DEPARTMENT_LINES: 'streets|Streets Department|+12155550101; water|Water Department|+12155550102',
    });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 0,
      dataDir: '/var/lib/fd',
      databaseUrl: 'postgres://db/frontdesk',
      publicUrl: 'https://311.example.org',
      trustProxy: true,
      transfer911Numbers: ['+12155550911', '+12155550912'],
      seed: { callers: 10, cases: 20 },
      logLevel: 'warn',
      wrapUpSeconds: 45,
      awayAfterMissedCalls: 2,
      holdMusicUrl: 'https://311.example.org/hold.mp3',
      emergencyTransferNumber: '+12155550199',
      departmentLines: [
        { code: 'streets', name: 'Streets Department', phone: '+12155550101' },
        { code: 'water', name: 'Water Department', phone: '+12155550102' },
      ],
    });
    expect(loadServerConfig({ HOME: '/h', FRONTDESK_SEED: 'off' }).seed).toBe(false);
    expect(() => loadServerConfig({ HOME: '/h', FRONTDESK_DEPARTMENT_LINES: 'streets|Streets' })).toThrow(ZodError);
  });

  it('reads the wallboard service level and alert thresholds, with the defaults the README states', () => {
    const defaults = loadServerConfig({ HOME: '/h' });
    expect(defaults).toMatchObject({ serviceLevelSeconds: 20, serviceLevelTarget: 0.8, shortAbandonSeconds: 5 });
    expect(defaults.alertThresholds).toMatchObject({ oldestWaitSeconds: 90, agentStateMinutes: { on_call: 20, wrap_up: 5, away: 30 } });
    const set = loadServerConfig({
      HOME: '/h',
      FRONTDESK_SERVICE_LEVEL_SECONDS: '30',
      FRONTDESK_SERVICE_LEVEL_TARGET: '0.9',
      FRONTDESK_SHORT_ABANDON_SECONDS: '10',
      FRONTDESK_OLDEST_WAIT_ALERT_SECONDS: '120',
      FRONTDESK_AGENT_STATE_ALERT_MINUTES: 'on_call=25, away=15',
    });
    expect(set).toMatchObject({ serviceLevelSeconds: 30, serviceLevelTarget: 0.9, shortAbandonSeconds: 10 });
    expect(set.alertThresholds).toMatchObject({ oldestWaitSeconds: 120, agentStateMinutes: { on_call: 25, away: 15 } });
    expect(() => loadServerConfig({ HOME: '/h', FRONTDESK_SERVICE_LEVEL_TARGET: '80' })).toThrow(ZodError);
  });

  it('requires real credentials and a token secret for twilio telephony', () => {
    expect(() => loadServerConfig({ HOME: '/h', FRONTDESK_TELEPHONY: 'twilio' })).toThrow(ZodError);
    const config = loadServerConfig({
      HOME: '/h',
      FRONTDESK_TELEPHONY: 'twilio',
      FRONTDESK_TOKEN_SECRET: 'a-long-enough-production-secret',
      TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'token',
      TWILIO_API_KEY_SID: `SK${'b'.repeat(32)}`,
      TWILIO_API_KEY_SECRET: 'key-secret',
      TWILIO_TWIML_APP_SID: `AP${'c'.repeat(32)}`,
    });
    expect(config.twilio.accountSid).toBe(`AC${'a'.repeat(32)}`);
    expect(config.tokenSecret).toBe('a-long-enough-production-secret');
    // No demo password with real Twilio: seeded agents cannot sign in until one is set.
    expect(config.seedPassword).toBeNull();
    expect(() => loadServerConfig({ HOME: '/h', FRONTDESK_911_TRANSFER_NUMBERS: '911' })).toThrow(ZodError);
  });

  it('reads the sign-in settings, with the demo seed password only in simulated mode', () => {
    expect(loadServerConfig({ HOME: '/h' })).toMatchObject({
      seedPassword: DEMO_SEED_PASSWORD, accessTokenMinutes: 15, refreshTokenHours: 12, lockoutAttempts: 5, lockoutMinutes: 15,
      totpRequiredRoles: ['team_lead', 'admin'], offlineUnlockHours: 12, lockAfterMinutes: 10,
    });
    const set = loadServerConfig({
      HOME: '/h', FRONTDESK_SEED_PASSWORD: 'another-seed-password', FRONTDESK_ACCESS_TOKEN_MINUTES: '5', FRONTDESK_REFRESH_TOKEN_HOURS: '9',
      FRONTDESK_LOCKOUT_ATTEMPTS: '3', FRONTDESK_LOCKOUT_MINUTES: '30', FRONTDESK_TOTP_REQUIRED_ROLES: '',
      FRONTDESK_OFFLINE_UNLOCK_HOURS: '24', FRONTDESK_LOCK_AFTER_MINUTES: '5',
    });
    expect(set).toMatchObject({
      seedPassword: 'another-seed-password', accessTokenMinutes: 5, refreshTokenHours: 9, lockoutAttempts: 3, lockoutMinutes: 30,
      totpRequiredRoles: [], offlineUnlockHours: 24, lockAfterMinutes: 5,
    });
    expect(set.now()).toBeInstanceOf(Date);
    expect(() => loadServerConfig({ HOME: '/h', FRONTDESK_TOTP_REQUIRED_ROLES: 'team_lead,boss' })).toThrow(ZodError);
  });

  it("puts data in the platform's user data directory", () => {
    expect(defaultDataDir({ HOME: '/home/a' }, 'linux')).toBe(path.join('/home/a', '.local', 'share', 'frontdesk311'));
    expect(defaultDataDir({ HOME: '/home/a', XDG_DATA_HOME: '/data' }, 'linux')).toBe(path.join('/data', 'frontdesk311'));
    expect(defaultDataDir({ HOME: '/Users/a' }, 'darwin')).toBe(path.join('/Users/a', 'Library', 'Application Support', 'Frontdesk311'));
    expect(defaultDataDir({ HOME: 'C:\\Users\\a', APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toBe(
      path.join('C:\\Users\\a\\AppData\\Roaming', 'Frontdesk311'),
    );
  });
});
