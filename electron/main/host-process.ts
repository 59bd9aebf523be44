// Runs the desk host in an Electron utility process (so SQLite never blocks the UI), tells it to
// start, carries its messages to the channel, and restarts it with backoff if it dies.
import { utilityProcess, type UtilityProcess } from 'electron';
import { deskError } from '../../shared/errors.js';
import { HOST_NODE_FLAGS } from '../host/heap-limit.js';
import type { HostControlMessage } from '../host/utility-protocol.js';
import type { HostStartOptions } from './config.js';
import { DeskHostChannel } from './host-channel.js';
import { mainLog } from './log.js';

export type DeskHostProcess = {
  channel: DeskHostChannel;
  /** Asks the host to close its cache cleanly, then ends the process. */
  stop(): Promise<void>;
};

const RESTART_CEILING_MS = 30_000;
const STOP_GRACE_MS = 3_000;

/** `cacheKey` goes to the host in its start message only: never in argv or the environment, which other processes can read. */
export function startDeskHostProcess(entry: string, options: HostStartOptions, cacheKey: Buffer): DeskHostProcess {
  let child: UtilityProcess | null = null;
  let running = false;
  let stopping = false;
  let restarts = 0;
  let restartTimer: ReturnType<typeof setTimeout> | null = null;

  const channel = new DeskHostChannel({
    postMessage(message) {
      if (!child || !running) return false;
      child.postMessage(message);
      return true;
    },
  });
  channel.onLifecycle((message) => {
    if (message.kind === 'started') {
      restarts = 0;
      mainLog('info', 'desk host started', { cachePath: message.cachePath, cacheMovedAside: message.cacheMovedAside });
    }
    if (message.kind === 'start-failed') mainLog('error', 'desk host failed to start', message.error);
  });

  const spawn = () => {
    const hostProcess = utilityProcess.fork(entry, [], { serviceName: 'Frontdesk311 desk host', stdio: 'inherit', execArgv: [...HOST_NODE_FLAGS] });
    child = hostProcess;
    hostProcess.on('spawn', () => {
      running = true;
      // Undefined fields are dropped so the host's schema sees exactly what was set.
      const start: HostControlMessage = {
        kind: 'start',
        options: { ...(JSON.parse(JSON.stringify(options)) as HostStartOptions), cacheKey: cacheKey.toString('hex') },
      };
      hostProcess.postMessage(start);
    });
    hostProcess.on('message', (message: unknown) => channel.receive(message));
    hostProcess.on('exit', (code) => {
      if (child !== hostProcess) return;
      child = null;
      running = false;
      channel.failAll(deskError('INTERNAL', `the desk host exited (code ${code})`));
      if (stopping) return;
      const delay = Math.min(RESTART_CEILING_MS, 1_000 * 2 ** restarts);
      restarts += 1;
      mainLog('error', `desk host exited with code ${code}; restarting in ${delay} ms`);
      restartTimer = setTimeout(() => {
        restartTimer = null;
        if (!stopping) spawn();
      }, delay);
    });
  };
  spawn();

  return {
    channel,
    async stop() {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      const hostProcess = child;
      if (!hostProcess) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          hostProcess.kill();
          resolve();
        }, STOP_GRACE_MS);
        hostProcess.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        const stop: HostControlMessage = { kind: 'stop' };
        if (running) hostProcess.postMessage(stop);
        else hostProcess.kill();
      });
    },
  };
}
