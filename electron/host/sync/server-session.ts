// The host's conversation with the central server over HTTP: sign-in with a password, the
// short-lived bearer token and the refresh token that renews it, and turning every failure into a
// catalogue error (unreachable vs. the server's own error).
import { z } from 'zod';
import {
  CallControlStateSchema, TransferTargetsSchema, WrapUpResponseSchema,
  type CallControlState, type TransferRequest, type TransferTargets, type WrapUpRequest,
} from '../../../shared/call-control.js';
import { AgentSchema, type Agent, type AgentState } from '../../../shared/domain/agent.js';
import { DeskFailure, formatZodError, type ErrorCode } from '../../../shared/errors.js';
import { PublishedProtocolSchema, type PublishedProtocol } from '../../../shared/triage/published.js';
import {
  ServerErrorBodySchema, SignedInSchema, SignInResponseSchema, SignOutResponseSchema, VoiceTokenResponseSchema,
  type DesktopPolicy, type SignedIn, type SignInResponse,
} from '../../../shared/server-api.js';
import {
  PullResponseSchema, PushResponseSchema, SnapshotResponseSchema, SYNC_PROTOCOL_VERSION, SyncedEntitySchema,
  type PullRequest, type PullResponse, type PushRequest, type PushResponse, type RowChange,
  type SnapshotRequest, type SnapshotResponse,
} from '../../../shared/sync-protocol.js';

/** Where the refresh token lives between runs (the cache's meta table); it outlives a restart. */
export interface RefreshTokenStore {
  read(): string | null;
  write(token: string | null): void;
}

export interface ServerSessionOptions {
  serverUrl: string;
  agentId: string;
  /** The desk install, sent with each sign-in for the server's audit log and session list. */
  clientId?: string;
  /** Per request; a server that accepts the connection and then says nothing counts as unreachable. */
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => Date;
  /** The access token is renewed this long before it runs out (default 60 s). */
  refreshMarginMs?: number;
  /** In memory only when absent. */
  refreshTokens?: RefreshTokenStore;
  /** Told whenever the server hands back the agent (sign-in, a state change). */
  onAgent?: (agent: Agent) => void;
  /** Told of the server's desktop policy at every sign-in and refresh. */
  onPolicy?: (policy: DesktopPolicy) => void;
  /** The server refused the refresh token (signed out everywhere, revoked, reused): the session is over. */
  onSessionEnded?: (reason: DeskFailure) => void;
}

/** Refusals of a refresh token that mean "never again", as opposed to a server having a bad moment. */
const REFRESH_REFUSED_STATUSES = new Set([400, 401, 403]);

export class ServerSession {
  private accessToken: string | null = null;
  private accessExpiresAt = 0;
  private signedInAgent: Agent | null = null;
  private refreshing: Promise<Agent> | null = null;
  /** Bumped when the tokens are forgotten, so an answer to an older request cannot bring them back. */
  private generation = 0;
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => Date;
  private readonly refreshTokens: RefreshTokenStore;

  constructor(private readonly options: ServerSessionOptions) {
    this.base = options.serverUrl.replace(/\/+$/, '');
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.fetchImpl = options.fetch ?? fetch;
    this.now = options.now ?? (() => new Date());
    let inMemory: string | null = null;
    this.refreshTokens = options.refreshTokens ?? { read: () => inMemory, write: (token) => (inMemory = token) };
  }

  get agent(): Agent | null {
    return this.signedInAgent;
  }

  get signedIn(): boolean {
    return this.accessToken !== null;
  }

  /** A refresh token is kept: the session can go on (after a restart too) without the password. */
  get hasRefreshToken(): boolean {
    return this.refreshTokens.read() !== null;
  }

  /**
   * A valid access token, renewed with the refresh token when it is missing or about to run out;
   * concurrent callers share one renewal (the refresh token rotates: a second use would be reuse).
   * Without a refresh token it fails with UNAUTHORIZED at once, never asking the server.
   */
  ensureSignedIn(): Promise<Agent> {
    const margin = this.options.refreshMarginMs ?? 60_000;
    if (this.accessToken && this.signedInAgent && this.accessExpiresAt - margin > this.now().getTime()) {
      return Promise.resolve(this.signedInAgent);
    }
    return this.refresh();
  }

  /** The bearer token of the current sign-in, for the poke socket; null until signed in. */
  get token(): string | null {
    return this.accessToken;
  }

  get serverUrl(): string {
    return this.base;
  }

  /**
   * Signs in with the agent's password (and the second factor's code once they have one). A
   * `totp_enrollment_required` answer is handed back as is: the session starts at enrollment.
   */
  async signInWithPassword(password: string, totpCode?: string): Promise<SignInResponse> {
    const generation = this.generation;
    const request = { agentId: this.options.agentId, password, ...(totpCode ? { totpCode } : {}), ...(this.options.clientId ? { clientId: this.options.clientId } : {}) };
    const response = expectShape(SignInResponseSchema, await this.send('POST', '/auth/sign-in', request, null), 'sign-in');
    if (response.status === 'signed_in') this.adopt(response, generation);
    return response;
  }

  /** Finishes a second factor's enrollment with its first code; the session starts. */
  async enrollTotp(enrollmentToken: string, totpCode: string): Promise<SignedIn> {
    const generation = this.generation;
    const response = expectShape(SignedInSchema, await this.send('POST', '/auth/totp/enroll', { enrollmentToken, totpCode }, null), 'enrollment');
    this.adopt(response, generation);
    return response;
  }

  /**
   * Ends this session on the server (every session of the agent with `everywhere`), then forgets
   * the tokens whatever the server said: best effort, a desk offline still forgets. Returns
   * whether the server confirmed.
   */
  async signOut(everywhere: boolean): Promise<boolean> {
    let confirmed = false;
    try {
      if (this.hasRefreshToken || this.accessToken) {
        const path = everywhere ? '/auth/sign-out-everywhere' : '/auth/sign-out';
        // Ending sessions twice is harmless: repeatable.
        expectShape(SignOutResponseSchema, await this.authorized('POST', path, undefined, { repeatable: true }), 'sign-out');
        confirmed = true;
      }
    } catch {
      // Unreachable, or the session was already over: forgetting locally is what matters here.
    } finally {
      this.forget();
    }
    return confirmed;
  }

  /** Drops the tokens here (the refresh token from its store too). */
  forget(): void {
    this.generation += 1;
    this.accessToken = null;
    this.accessExpiresAt = 0;
    this.refreshing = null;
    this.refreshTokens.write(null);
  }

  async pull(request: PullRequest): Promise<PullResponse> {
    const body = await this.authorized('POST', '/sync/pull', request, { repeatable: true });
    checkProtocol(body);
    // The rows are checked one by one with their entity's schema when the page is applied, so
    // the envelope's pass over them checks only each change's own fields: a first sync of a
    // million rows would otherwise walk every row twice.
    const envelope = expectShape(PullEnvelopeSchema, body, 'pull');
    return { ...envelope, changes: envelope.changes.map((change, index) => checkChange(change, index, 'pull')) };
  }

  /** A page of a first sync's snapshot; rows are checked as a pull's are, when applied. */
  async snapshot(request: SnapshotRequest): Promise<SnapshotResponse> {
    const body = await this.authorized('POST', '/sync/snapshot', request, { repeatable: true });
    checkProtocol(body);
    const envelope = expectShape(SnapshotEnvelopeSchema, body, 'snapshot');
    if (envelope.entity !== request.entity) {
      throw new DeskFailure('SERVER_ERROR', `The server answered a ${request.entity} snapshot with ${envelope.entity} rows.`);
    }
    if (envelope.nextAfterId !== null && envelope.nextAfterId === request.afterId) {
      throw new DeskFailure('SERVER_ERROR', `The server's ${request.entity} snapshot did not move past ${request.afterId}.`);
    }
    const changes = envelope.changes.map((change, index) => checkChange(change, index, 'snapshot'));
    const stray = changes.findIndex((change) => change.op !== 'put' || change.entity !== request.entity);
    if (stray >= 0) throw new DeskFailure('SERVER_ERROR', `The server's ${request.entity} snapshot has a change that is not a ${request.entity} put at ${stray}.`);
    return { ...envelope, changes };
  }

  async push(request: PushRequest): Promise<PushResponse> {
    // The server applies each mutation once, by its id: sending a batch again is harmless.
    const body = await this.authorized('POST', '/sync/push', request, { repeatable: true });
    checkProtocol(body);
    const response = expectShape(PushResponseSchema, body, 'push');
    if (response.results.length !== request.mutations.length) {
      throw new DeskFailure('SERVER_ERROR', `The server answered ${response.results.length} results for ${request.mutations.length} pushed mutations.`);
    }
    return response;
  }

  async setAgentState(state: AgentState, reason: string | null = null): Promise<Agent> {
    const agent = expectShape(AgentSchema, await this.authorized('PUT', '/agents/me/state', { state, reason }), 'agent state');
    this.agentUpdated(agent);
    return agent;
  }

  /** The server told us of this agent by another way (the live socket, a wrap-up answer). */
  agentUpdated(agent: Agent): void {
    if (agent.id !== this.options.agentId) return;
    this.signedInAgent = agent;
    this.options.onAgent?.(agent);
  }

  // Call control (shared/call-control.ts). Each goes straight to the server: a call is live now or never.
  async callState(callId: string): Promise<CallControlState> {
    return expectShape(CallControlStateSchema, await this.authorized('GET', `/calls/${encodeURIComponent(callId)}`), 'call state');
  }

  async holdCall(callId: string, onHold: boolean): Promise<CallControlState> {
    return this.callAction(callId, '/hold', { onHold });
  }

  async transferCall(callId: string, request: TransferRequest): Promise<CallControlState> {
    return this.callAction(callId, '/transfer', request);
  }

  async completeTransfer(callId: string): Promise<CallControlState> {
    return this.callAction(callId, '/transfer/complete', {});
  }

  async cancelTransfer(callId: string): Promise<CallControlState> {
    return this.callAction(callId, '/transfer/cancel', {});
  }

  async wrapUpCall(callId: string, request: WrapUpRequest): Promise<z.infer<typeof WrapUpResponseSchema>> {
    const body = await this.authorized('POST', `/calls/${encodeURIComponent(callId)}/wrap-up`, request);
    const response = expectShape(WrapUpResponseSchema, body, 'wrap-up');
    this.agentUpdated(response.agent);
    return response;
  }

  async transferTargets(): Promise<TransferTargets> {
    return expectShape(TransferTargetsSchema, await this.authorized('GET', '/telephony/transfer-targets'), 'transfer targets');
  }

  /**
   * A request the host only passes on (a team lead's supervisor actions, wallboard preferences):
   * the server checks the role, the answer is checked against `schema`.
   */
  async forward<T>(method: string, path: string, body: unknown, schema: z.ZodType<T>, what: string): Promise<T> {
    return expectShape(schema, await this.authorized(method, path, body), what);
  }

  /**
   * Like forward, for a GET answered with text rather than JSON (the audit log's CSV export): read
   * as it arrives and refused with EXPORT_TOO_LARGE past `maxBytes`, so it never sits whole in memory.
   */
  async forwardText(path: string, maxBytes: number): Promise<string> {
    return (await this.authorized('GET', path, undefined, { textLimit: maxBytes })) as string;
  }

  /** A socket was refused with 401 (the token expired, the server restarted): renew it. */
  async renewToken(): Promise<string> {
    this.accessToken = null;
    await this.ensureSignedIn();
    if (!this.accessToken) throw new DeskFailure('UNAUTHORIZED', 'The server gave no token.');
    return this.accessToken;
  }

  private async callAction(callId: string, path: string, body: unknown): Promise<CallControlState> {
    const reply = await this.authorized('POST', `/calls/${encodeURIComponent(callId)}${path}`, body);
    return expectShape(CallControlStateSchema, reply, 'call control');
  }

  /** Refused with PROTOCOL_INVALID, the validator's errors in `details.errors`. */
  async publishTriageProtocol(document: unknown, effectiveFrom: string | null): Promise<PublishedProtocol> {
    const body = await this.authorized('POST', '/triage/protocols', { document, effectiveFrom });
    return expectShape(PublishedProtocolSchema, body, 'published protocol');
  }

  async voiceToken(): Promise<z.infer<typeof VoiceTokenResponseSchema>> {
    return expectShape(VoiceTokenResponseSchema, await this.authorized('GET', '/twilio/token'), 'voice token');
  }

  private refresh(): Promise<Agent> {
    this.refreshing ??= this.useRefreshToken().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async useRefreshToken(): Promise<Agent> {
    const refreshToken = this.refreshTokens.read();
    if (!refreshToken) throw new DeskFailure('UNAUTHORIZED', 'Signed out: sign in on this desk to reach the server.');
    const generation = this.generation;
    let body: unknown;
    try {
      body = await this.send('POST', '/auth/refresh', { refreshToken }, null);
    } catch (error) {
      const status = error instanceof DeskFailure ? (error.details as { status?: number } | undefined)?.status : undefined;
      if (status === undefined || !REFRESH_REFUSED_STATUSES.has(status) || generation !== this.generation) throw error;
      // Revoked, expired, reused or signed out everywhere: only a new sign-in helps.
      this.forget();
      const ended = new DeskFailure('UNAUTHORIZED', `The server ended this session: ${(error as DeskFailure).message}`, (error as DeskFailure).details);
      this.options.onSessionEnded?.(ended);
      throw ended;
    }
    const signedIn = expectShape(SignedInSchema, body, 'refresh');
    this.adopt(signedIn, generation);
    return signedIn.agent;
  }

  /** Takes the tokens of a sign-in or refresh, unless the session was forgotten meanwhile. */
  private adopt(signedIn: SignedIn, generation: number): void {
    if (generation !== this.generation) throw new DeskFailure('UNAUTHORIZED', 'Signed out while the server was answering.');
    this.accessToken = signedIn.accessToken;
    this.accessExpiresAt = Date.parse(signedIn.accessExpiresAt);
    this.refreshTokens.write(signedIn.refreshToken);
    this.signedInAgent = signedIn.agent;
    this.options.onAgent?.(signedIn.agent);
    this.options.onPolicy?.(signedIn.policy);
  }

  /** Sends with the bearer token; a 401 (token expired, server restarted) renews it once. */
  private async authorized(method: string, path: string, body?: unknown, options: SendOptions = {}): Promise<unknown> {
    await this.ensureSignedIn();
    const used = this.accessToken;
    try {
      return await this.send(method, path, body, used, options);
    } catch (error) {
      if (!(error instanceof DeskFailure) || (error.details as { status?: number } | undefined)?.status !== 401) throw error;
      // Another request may have renewed it meanwhile: renew only the token that was refused.
      if (this.accessToken === used) this.accessToken = null;
      await this.ensureSignedIn();
      return this.send(method, path, body, this.accessToken, options);
    }
  }

  /** JSON back, or with `textLimit` the text of a successful answer, at most that many bytes. */
  private async send(method: string, path: string, body: unknown, token: string | null, options: SendOptions = {}): Promise<unknown> {
    const { textLimit } = options;
    // Reads and PUTs are safe to repeat; a POST only when its caller says so.
    const repeatable = options.repeatable ?? (method === 'GET' || method === 'PUT');
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    let response: Response | null = null;
    for (let attempt = 1; response === null; attempt += 1) {
      try {
        response = await this.fetchImpl(this.base + path, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        // The first request after a server restart can go out on a kept-alive connection the old
        // server closed, and fails with no answer: a request safe to repeat goes once more, on a
        // new connection.
        if (repeatable && attempt === 1 && connectionClosedUnderIt(error)) continue;
        const why = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
        throw new DeskFailure('SERVER_UNREACHABLE', `The central server at ${this.base} could not be reached: ${why}`);
      }
    }
    if (textLimit !== undefined && response.ok) return readTextWithin(response, textLimit, `${this.base}${path}`);
    const text = await response.text().catch(() => '');
    const json = parseJson(text);
    if (!response.ok) throw serverFailure(response.status, path, json);
    if (json === undefined) throw new DeskFailure('SERVER_ERROR', `The server answered ${path} with something that is not JSON.`);
    return json;
  }
}

interface SendOptions {
  /** Read at most this many bytes of a successful answer, as text. */
  textLimit?: number;
  /** Safe to send twice (the server applies it once, or it changes nothing). */
  repeatable?: boolean;
}

/** fetch failed because the connection was closed or reset under the request (undici's socket error, ECONNRESET). */
function connectionClosedUnderIt(error: unknown): boolean {
  const code = (error instanceof Error ? (error.cause as { code?: unknown } | undefined)?.code : undefined);
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
}

const PullEnvelopeSchema = PullResponseSchema.extend({ changes: z.array(z.unknown()) });
const SnapshotEnvelopeSchema = SnapshotResponseSchema.extend({ changes: z.array(z.unknown()) });
const ENTITIES = new Set<string>(SyncedEntitySchema.options);

function checkChange(change: unknown, index: number, what: 'pull' | 'snapshot'): RowChange {
  const c = change as Partial<Record<'op' | 'entity' | 'id' | 'version' | 'row', unknown>> | null;
  const valid =
    c !== null && typeof c === 'object' && typeof c.entity === 'string' && ENTITIES.has(c.entity) && typeof c.id === 'string' &&
    Number.isInteger(c.version) && (c.version as number) > 0 &&
    ((c.op === 'del') || (c.op === 'put' && typeof c.row === 'object' && c.row !== null && !Array.isArray(c.row)));
  if (!valid) throw new DeskFailure('SERVER_ERROR', `The server's ${what} response has a malformed change at ${index}.`);
  return c as RowChange;
}

function checkProtocol(body: unknown): void {
  const version = (body as { protocolVersion?: unknown } | null)?.protocolVersion;
  if (version !== SYNC_PROTOCOL_VERSION) {
    throw new DeskFailure('SYNC_PROTOCOL_MISMATCH', `The server speaks sync protocol ${String(version)}; this desk speaks ${SYNC_PROTOCOL_VERSION}.`);
  }
}

async function readTextWithin(response: Response, maxBytes: number, from: string): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const decoder = new TextDecoder();
  let bytes = 0;
  let text = '';
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (error) {
      throw new DeskFailure('SERVER_UNREACHABLE', `The answer of ${from} was cut off: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (chunk.done) return text + decoder.decode();
    bytes += chunk.value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new DeskFailure('EXPORT_TOO_LARGE', `The answer of ${from} is over ${maxBytes} bytes.`, { maxBytes });
    }
    text += decoder.decode(chunk.value, { stream: true });
  }
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** Server codes the desk acts on by name; any other server error is a SERVER_ERROR. */
const PASSED_THROUGH_CODES = new Set<string>([
  'SYNC_PROTOCOL_MISMATCH', 'CALL_NOT_FOUND', 'AGENT_UNAVAILABLE', 'PROTOCOL_INVALID', 'FORBIDDEN',
  // The supervisor routes' refusals: an unknown agent or call, a state that does not allow it.
  'NOT_FOUND', 'STATE_CONFLICT',
  // Sign-in: the renderer tells the agent which one it was.
  'UNAUTHORIZED', 'INVALID_CREDENTIALS', 'ACCOUNT_LOCKED', 'TOTP_REQUIRED', 'TOTP_INVALID', 'RATE_LIMITED',
]);

function serverFailure(status: number, path: string, body: unknown): DeskFailure {
  const parsed = ServerErrorBodySchema.safeParse(body);
  const message = parsed.success ? parsed.data.error.message : `The server answered ${path} with HTTP ${status}.`;
  const serverCode = parsed.success ? parsed.data.error.code : undefined;
  const code = serverCode && PASSED_THROUGH_CODES.has(serverCode) ? (serverCode as ErrorCode) : 'SERVER_ERROR';
  const errors = parsed.success ? parsed.data.error.details : undefined;
  return new DeskFailure(code, message, errors === undefined ? { status, serverCode } : { status, serverCode, errors });
}

function expectShape<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new DeskFailure('SERVER_ERROR', `The server's ${what} response did not match the contract: ${formatZodError(parsed.error)}`);
  }
  return parsed.data;
}
