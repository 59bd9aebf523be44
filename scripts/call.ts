// `npm run call -- --from "+1 215 555 0142" [--transfer-911] [--to NUMBER] [--server URL]`
// Places a simulated incoming call: the server's Twilio simulator signs a voice webhook exactly
// as Twilio does and posts it to our own /twilio/voice, then rings the routed agent's softphone.
import { parseArgs } from 'node:util';
import { SimCallResponseSchema, ServerErrorBodySchema } from '../shared/server-api.js';

const usage = 'usage: npm run call -- --from "+1 215 555 0142" [--transfer-911] [--to NUMBER] [--server URL] [--hangup CALLSID]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      'transfer-911': { type: 'boolean', default: false },
      hangup: { type: 'string' },
      server: { type: 'string', default: process.env.FRONTDESK_SERVER_URL ?? 'http://127.0.0.1:8311' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || (!values.from && !values.hangup)) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  const server = values.server.replace(/\/+$/, '');
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
