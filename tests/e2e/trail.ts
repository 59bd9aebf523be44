// What a whole end-to-end run leaves behind, checked at the end of every e2e file: the server's
// log (at info, every request line) and the desk host's log hold no resident's phone number or
// name and no password or token, and the audit log's hash chain is intact.
import { expect, it } from 'vitest';
import { verifyAuditChain, type AuditVerification } from '../../server/audit/audit-log.js';
import { DEMO_SEED_PASSWORD, SIMULATED_TWILIO } from '../../server/config.js';
import type { Store } from '../../server/store/store.js';

/** Collects log lines from the server (Fastify's log destination) and the host (HostLog). */
export class LogCapture {
  private readonly lines: string[] = [];
  readonly server = { write: (line: string) => this.lines.push(line) };
  readonly host = (level: string, message: string) => {
    this.lines.push(`[desk-host] ${level}: ${message}\n`);
  };
  text(): string {
    return this.lines.join('');
  }
  get lineCount(): number {
    return this.lines.length;
  }
}

// Access tokens (<agent>.<session uuid>.<expiry>.<HMAC>), refresh tokens (fdr_…) and Voice
// access tokens (JWTs) must never reach a log, whoever issued them.
const TOKEN_PATTERNS: readonly RegExp[] = [
  /[a-z0-9-]+\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.\d+\.[A-Za-z0-9_-]{43}/,
  /fdr_[A-Za-z0-9_-]{20,}/,
  /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\./,
];

/** A US number in the ways a log line could carry it. */
function phoneForms(e164: string): string[] {
  const digits = e164.replace(/^\+1/, '');
  if (!/^\d{10}$/.test(digits)) return [e164];
  const [area, exchange, line] = [digits.slice(0, 3), digits.slice(3, 6), digits.slice(6)];
  return [e164, `%2B1${digits}`, `1${digits}`, digits, `(${area}) ${exchange}-${line}`, `${area}-${exchange}-${line}`, `${area}.${exchange}.${line}`, `${area} ${exchange} ${line}`];
}

export interface TrailFindings {
  leaks: string[];
  audit: AuditVerification;
  /** How many residents' numbers and names were looked for, so a test can tell it looked. */
  searched: { callers: number; lines: number };
}

export async function inspectTrail(store: Store, logs: LogCapture): Promise<TrailFindings> {
  const text = logs.text();
  const callers = await store.query<{ name: string; phones: string[] }>('SELECT name, phones FROM callers');
  const leaks: string[] = [];
  for (const caller of callers) {
    for (const phone of caller.phones) {
      for (const form of phoneForms(phone)) if (text.includes(form)) leaks.push(`phone ${form}`);
    }
    if (caller.name.length >= 5 && text.includes(caller.name)) leaks.push(`name ${caller.name}`);
  }
  for (const secret of [DEMO_SEED_PASSWORD, SIMULATED_TWILIO.authToken]) if (text.includes(secret)) leaks.push('a password or secret');
  for (const pattern of TOKEN_PATTERNS) {
    const match = pattern.exec(text);
    if (match) leaks.push(`token ${match[0].slice(0, 12)}…`);
  }
  return { leaks: [...new Set(leaks)], audit: await verifyAuditChain(store), searched: { callers: callers.length, lines: logs.lineCount } };
}

/** The last test of an e2e file: the run so far left no personal data or secrets in the logs and an intact audit chain. */
export function itLeavesACleanTrail(stack: () => { server: { store: Store }; logs: LogCapture } | undefined): void {
  it('leaves no personal data or tokens in the logs and an intact audit chain', async () => {
    const current = stack();
    if (!current) throw new Error('the stack did not start');
    const findings = await inspectTrail(current.server.store, current.logs);
    expect(findings.searched.callers).toBeGreaterThan(0);
    expect(findings.searched.lines).toBeGreaterThan(0);
    expect(findings.leaks).toEqual([]);
    expect(findings.audit).toMatchObject({ ok: true });
    expect(findings.audit.count).toBeGreaterThan(0);
  });
}

/** After the clean-trail check: changing one entry of that run's audit log is caught by the verifier. */
export function itCatchesATamperedAuditEntry(stack: () => { server: { store: Store } } | undefined): void {
  it('catches an audit entry changed after the run', async () => {
    const store = stack()?.server.store;
    if (!store) throw new Error('the stack did not start');
    const [entry] = await store.query<{ seq: number }>('SELECT seq FROM audit_log ORDER BY seq LIMIT 1 OFFSET 1');
    if (!entry) throw new Error('the run left fewer than two audit entries');
    // The append-only trigger refuses updates; a tamperer with the database's owner rights can lift it.
    await store.transaction(async (tx) => {
      await tx.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
      await tx.query(`UPDATE audit_log SET agent_id = 'someone-else' WHERE seq = $1`, [entry.seq]);
      await tx.query('ALTER TABLE audit_log ENABLE TRIGGER USER');
    });
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, broken: { seq: entry.seq } });
  });
}
