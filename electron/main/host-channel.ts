// Request/reply with the desk host over a message port (the utility process's parentPort): ids,
// a pending map with timeouts, replies and events validated. Never throws to the IPC layer: every
// call resolves with a reply envelope, failures included.
import {
  DeskEventMessageSchema,
  DeskReplyMessageSchema,
  type DeskEventMessage,
  type DeskMethodName,
  type DeskReplyMessage,
} from '../../shared/desk-api.js';
import { deskError, formatZodError, type DeskError } from '../../shared/errors.js';
import { HostLifecycleMessageSchema, type HostLifecycleMessage } from '../host/utility-protocol.js';
import { mainLog } from './log.js';

export type HostPort = {
  /** False when there is no host process to deliver to right now. */
  postMessage(message: unknown): boolean;
};

type Pending = { resolve: (reply: DeskReplyMessage) => void; timer: ReturnType<typeof setTimeout> };

export class DeskHostChannel {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly eventListeners = new Set<(message: DeskEventMessage) => void>();
  private readonly lifecycleListeners = new Set<(message: HostLifecycleMessage) => void>();

  constructor(
    private readonly port: HostPort,
    private readonly callTimeoutMs = 20_000,
  ) {}

  call(method: DeskMethodName, params: unknown): Promise<DeskReplyMessage> {
    const id = this.nextId++;
    const failed = (error: DeskError): DeskReplyMessage => ({ kind: 'reply', id, ok: false, error });
    return new Promise<DeskReplyMessage>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(failed(deskError('INTERNAL', `the desk host did not answer ${method} within ${this.callTimeoutMs} ms`)));
      }, this.callTimeoutMs);
      this.pending.set(id, { resolve, timer });
      if (!this.port.postMessage({ kind: 'call', id, method, params })) {
        this.settle(id, failed(deskError('INTERNAL', 'the desk host is not running')));
      }
    });
  }

  onEvent(listener: (message: DeskEventMessage) => void): () => void {
    this.eventListeners.add(listener);
    return () => {
      this.eventListeners.delete(listener);
    };
  }

  onLifecycle(listener: (message: HostLifecycleMessage) => void): () => void {
    this.lifecycleListeners.add(listener);
    return () => {
      this.lifecycleListeners.delete(listener);
    };
  }

  /** Everything the host posts comes through here. */
  receive(message: unknown): void {
    const reply = DeskReplyMessageSchema.safeParse(message);
    if (reply.success) {
      if (!this.settle(reply.data.id, reply.data)) mainLog('warn', `desk host replied to unknown call ${reply.data.id}`);
      return;
    }
    const event = DeskEventMessageSchema.safeParse(message);
    if (event.success) {
      for (const listener of this.eventListeners) listener(event.data);
      return;
    }
    const lifecycle = HostLifecycleMessageSchema.safeParse(message);
    if (lifecycle.success) {
      for (const listener of this.lifecycleListeners) listener(lifecycle.data);
      return;
    }
    mainLog('warn', 'desk host sent a message outside the contract', formatZodError(reply.error));
  }

  /** The host went away: every waiting call gets the error now rather than at its timeout. */
  failAll(error: DeskError): void {
    for (const id of [...this.pending.keys()]) this.settle(id, { kind: 'reply', id, ok: false, error });
  }

  get waiting(): number {
    return this.pending.size;
  }

  private settle(id: number, reply: DeskReplyMessage): boolean {
    const pending = this.pending.get(id);
    if (!pending) return false;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    pending.resolve(reply);
    return true;
  }
}
