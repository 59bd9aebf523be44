// `npm run call -- --from "+1 215 555 0142" [--transfer-911] [--to NUMBER] [--server URL]`
// Places a simulated incoming call: the server's Twilio simulator signs a voice webhook exactly
// as Twilio does and posts it to our own /twilio/voice, then rings the routed agent's softphone.
// `npm run call -- --scenario [--calls N] [--rate PER_MINUTE] ...` runs a whole call-center
// scenario instead (scripts/call-scenario.ts) and prints its report as JSON.
import { parseArgs } from 'node:util';
import { SimCallResponseSchema, ServerErrorBodySchema } from '../shared/server-api.js';
import { DEFAULT_SCENARIO, runScenario, type Range } from './call-scenario.js';

const usage = [
  'usage: npm run call -- --from "+1 215 555 0142" [--transfer-911] [--to NUMBER] [--server URL] [--hangup CALLSID]',
  '       npm run call -- --scenario [--calls N] [--rate CALLS_PER_MINUTE] [--share-911 0..1] [--abandon 0..1]',
  '                       [--patience MS-MS] [--agents N] [--accept-delay MS-MS] [--talk MS-MS] [--seed N] [--server URL]',
].join('\n');

/** "500-2000" or "800" (both ends the same). */
function parseRange(text: string | undefined, fallback: Range): Range {
  if (text === undefined) return fallback;
  const [min, max = min] = text.split('-').map(Number) as [number, number?];
  if (!Number.isFinite(min) || !Number.isFinite(max) || min < 0 || max < min) throw new Error(`not a range of milliseconds: ${text}`);
  return { min, max };
}

function parseNumber(text: string | undefined, fallback: number, check: (value: number) => boolean): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!check(value)) throw new Error(`not a valid value: ${text}`);
  return value;
}

async function scenario(server: string, values: Record<string, string | boolean | undefined>): Promise<number> {
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const share = (value: number) => value >= 0 && value <= 1;
  const positive = (value: number) => Number.isInteger(value) && value > 0;
  const report = await runScenario({
    server,
    calls: parseNumber(text('calls'), DEFAULT_SCENARIO.calls, positive),
    arrivalsPerMinute: parseNumber(text('rate'), DEFAULT_SCENARIO.arrivalsPerMinute, (value) => value > 0),
    transfer911Share: parseNumber(text('share-911'), DEFAULT_SCENARIO.transfer911Share, share),
    abandonShare: parseNumber(text('abandon'), DEFAULT_SCENARIO.abandonShare, share),
    patienceMs: parseRange(text('patience'), DEFAULT_SCENARIO.patienceMs),
    agents: parseNumber(text('agents'), DEFAULT_SCENARIO.agents, positive),
    acceptDelayMs: parseRange(text('accept-delay'), DEFAULT_SCENARIO.acceptDelayMs),
    talkMs: parseRange(text('talk'), DEFAULT_SCENARIO.talkMs),
    wrapUpMs: DEFAULT_SCENARIO.wrapUpMs,
    maxDurationMs: DEFAULT_SCENARIO.maxDurationMs,
    seed: parseNumber(text('seed'), DEFAULT_SCENARIO.seed, Number.isInteger),
    log: (line) => console.error(line),
  });
  const { calls, ...summary } = report;
  console.log(JSON.stringify({ ...summary, calls: calls.length }, null, 2));
  return 0;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      'transfer-911': { type: 'boolean', default: false },
      hangup: { type: 'string' },
      scenario: { type: 'boolean', default: false },
      calls: { type: 'string' },
      rate: { type: 'string' },
      'share-911': { type: 'string' },
      abandon: { type: 'string' },
      patience: { type: 'string' },
      agents: { type: 'string' },
      'accept-delay': { type: 'string' },
      talk: { type: 'string' },
      seed: { type: 'string' },
      server: { type: 'string', default: process.env.FRONTDESK_SERVER_URL ?? 'http://127.0.0.1:8311' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || (!values.from && !values.hangup && !values.scenario)) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  const server = values.server.replace(/\/+$/, '');
  if (values.scenario) {
    try {
      return await scenario(server, values);
    } catch (error) {
      console.error(`The scenario stopped: ${(error as Error).message}. Is \`npm start\` running with simulated telephony?`);
      return 1;
    }
  }
  const [path, body] = values.hangup
    ? [`/sim/calls/${encodeURIComponent(values.hangup)}/hangup`, {}]
    : ['/sim/calls', { from: values.from, to: values.to, transfer911: values['transfer-911'] }];

  let response: Response;
  try {
    response = await fetch(server + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (error) {
    console.error(`Cannot reach the Frontdesk311 server at ${server} (${(error as Error).message}). Is \`npm start\` running?`);
    return 1;
  }
  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const parsed = ServerErrorBodySchema.safeParse(payload);
    console.error(`The server refused the call: ${parsed.success ? `${parsed.data.error.code}: ${parsed.data.error.message}` : `HTTP ${response.status}`}`);
    return 1;
  }
  if (values.hangup) {
    console.log(`Hung up ${values.hangup}.`);
    return 0;
  }
  const call = SimCallResponseSchema.parse(payload);
  console.log(`Call ${call.callSid} from ${values.from}${values['transfer-911'] ? ' (911 transfer)' : ''}`);
  console.log(call.routedTo ? `Ringing agent ${call.routedTo}.` : 'No agent available: the caller waits in the queue.');
  console.log(`Hang up from the caller's side with: npm run call -- --hangup ${call.callSid}`);
  return 0;
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
