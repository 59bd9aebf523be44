// `npm run users -- <command> <agentId>`: operators' sign-in chores on the database the server
// would use (FRONTDESK_DATABASE_URL or DATABASE_URL, else the PGlite files in the data dir; stop
// the server first with PGlite). Each is audited, with "operator" as who did it.
//   set-password <agentId>  reads the new password from stdin (typed without echo, or piped), never argv
//   reset-totp <agentId>    removes the agent's second factor; they set it up again at next sign-in
//   unlock <agentId>        lifts a lockout after failed sign-ins
import { Identity, IdentityRefusal, type CredentialActor } from '../server/auth/identity.js';
import type { Store } from '../server/store/store.js';
import { AgentIdSchema } from '../shared/domain/agent.js';
import { formatZodError } from '../shared/errors.js';
import { NewPasswordSchema } from '../shared/server-api.js';
import { runWithStore } from './with-store.js';

const USAGE = 'usage: npm run users -- set-password <agentId> | reset-totp <agentId> | unlock <agentId>\n';
const COMMANDS = ['set-password', 'reset-totp', 'unlock'] as const;
type Command = (typeof COMMANDS)[number];
const OPERATOR: CredentialActor = { agentId: null, clientId: 'users-cli', ip: null };

/** A refusal to tell the operator (exit 1), not a failure of the tool. */
class Refused extends Error {}

/** One line typed at a terminal without echo. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let typed = '';
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          resolve(typed);
          return;
        }
        if (char === '\u0003') {
          stdin.setRawMode(false);
          reject(new Refused('cancelled'));
          return;
        }
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    stdin.on('data', onData);
  });
}

async function readPiped(): Promise<string> {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += String(chunk);
  // One password, the first line: a trailing newline from `echo` or a file is not part of it.
  return text.split(/\r?\n/)[0] ?? '';
}

async function newPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readPiped();
  const first = await promptHidden('New password: ');
  const again = await promptHidden('Again: ');
  if (first !== again) throw new Refused('the two passwords differ');
  return first;
}

async function run(store: Store, identity: Identity, command: Command, agentId: string): Promise<string> {
  if (command === 'set-password') {
    const parsed = NewPasswordSchema.safeParse(await newPassword());
    if (!parsed.success) throw new Refused(formatZodError(parsed.error));
    await identity.setPassword(agentId, parsed.data, OPERATOR);
    return `password set for ${agentId}; their sessions were signed out`;
  }
  if (command === 'reset-totp') {
    await identity.resetTotp(agentId, OPERATOR);
    return `second factor removed for ${agentId}; they set it up again at their next sign-in`;
  }
  await identity.unlock(agentId, OPERATOR);
  return `${agentId} unlocked`;
}

function main(argv: readonly string[]): void {
  const [command, rawAgentId, ...rest] = argv;
  const agentId = AgentIdSchema.safeParse(rawAgentId);
  if (!COMMANDS.includes(command as Command) || !agentId.success || rest.length > 0) {
    process.stderr.write(USAGE);
    process.exit(2);
  }
  // A database the server has not started on yet gets its tables first.
  runWithStore({ name: 'users', migrate: true }, async ({ store, config }) => {
    try {
      process.stdout.write(`${await run(store, new Identity(store, config), command as Command, agentId.data)}\n`);
      return 0;
    } catch (error) {
      if (!(error instanceof IdentityRefusal) && !(error instanceof Refused)) throw error;
      process.stderr.write(`users: ${error.message}\n`);
      return 1;
    }
  });
}

main(process.argv.slice(2));
