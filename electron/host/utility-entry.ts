// Entry point of the desk host inside an Electron utility process: waits for `start`, then
// answers DeskApi calls and forwards events over the parent port. Thin on purpose; the work
// is in host.ts and desk-dispatch.ts.
import { DESK_EVENT_NAMES, type DeskEventMessage, type DeskReplyMessage } from '../../shared/desk-api.js';
import { deskError, formatZodError, toDeskError } from '../../shared/errors.js';
import { handleDeskCall, UNKNOWN_CALL_ID } from './desk-dispatch.js';
import { startHost, type RunningHost } from './host.js';
import { HostControlMessageSchema, type HostLifecycleMessage } from './utility-protocol.js';

/** The part of Electron's `process.parentPort` this entry uses (no electron import in the host). */
interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!parentPort) {
  process.stderr.write('utility-entry must run in an Electron utility process (process.parentPort is missing).\n');
  process.exit(1);
}
const port: ParentPort = parentPort;

type Outgoing = DeskReplyMessage | DeskEventMessage | HostLifecycleMessage;
const post = (message: Outgoing): void => port.postMessage(message);

let starting: Promise<RunningHost | null> | null = null;

port.on('message', ({ data }) => {
  const kind = (data as { kind?: unknown } | null)?.kind;
  if (kind === 'start' || kind === 'stop') return void control(data);
  void answerCall(data);
});

async function control(data: unknown): Promise<void> {
  const message = HostControlMessageSchema.safeParse(data);
  if (!message.success) return post({ kind: 'start-failed', error: deskError('INVALID_INPUT', formatZodError(message.error)) });
  if (message.data.kind === 'stop') {
    const host = await starting;
    await host?.close();
    post({ kind: 'stopped' });
    // Port messages are delivered asynchronously; exiting on the spot could swallow 'stopped'.
    setTimeout(() => process.exit(0), 100);
    return;
  }
  if (starting) return;
  const { cacheKey, ...options } = message.data.options;
  starting = startHost({ ...options, cacheKey: Buffer.from(cacheKey, 'hex') }).then(
    (host) => {
      for (const event of DESK_EVENT_NAMES) host.desk.on(event, (payload) => post({ kind: 'event', event, payload }));
      post({ kind: 'started', cachePath: host.cachePath, cacheMovedAside: host.cacheMovedAside });
      return host;
    },
    (error: unknown) => {
      post({ kind: 'start-failed', error: toDeskError(error) });
      return null;
    },
  );
}

/** Calls that arrive while the host is starting wait for it. */
async function answerCall(data: unknown): Promise<void> {
  const host = await starting;
  if (!host) {
    const id = (data as { id?: unknown } | null)?.id;
    return post({
      kind: 'reply',
      id: Number.isInteger(id) ? (id as number) : UNKNOWN_CALL_ID,
      ok: false,
      error: deskError('INTERNAL', 'The desk host has not started.'),
    });
  }
  post(await handleDeskCall(host.service, data));
}
