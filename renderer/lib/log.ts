// The renderer's log: entries go to a ring buffer (readable from devtools as
// `window.__frontdesk.log`) and to any sink a test or the Electron glue installs.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogEntry = { at: number; level: LogLevel; scope: string; message: string; detail?: unknown };
export type LogSink = (entry: LogEntry) => void;

export type Logger = {
  debug(message: string, detail?: unknown): void;
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
};

const RING_SIZE = 500;
const ring: LogEntry[] = [];
const sinks = new Set<LogSink>();

export function addLogSink(sink: LogSink): () => void {
  sinks.add(sink);
  return () => {
    sinks.delete(sink);
  };
}

export function recentLog(): readonly LogEntry[] {
  return ring;
}

export function createLogger(scope: string): Logger {
  const write = (level: LogLevel, message: string, detail?: unknown): void => {
    const entry: LogEntry = { at: Date.now(), level, scope, message };
    if (detail !== undefined) entry.detail = detail;
    ring.push(entry);
    if (ring.length > RING_SIZE) ring.splice(0, ring.length - RING_SIZE);
    for (const sink of sinks) sink(entry);
  };
  return {
    debug: (message, detail) => write('debug', message, detail),
    info: (message, detail) => write('info', message, detail),
    warn: (message, detail) => write('warn', message, detail),
    error: (message, detail) => write('error', message, detail),
  };
}
