// Where the host's few log lines go. Product code has no console; the default writes one line
// per entry to stderr, which Electron's utility process and web mode both forward.
export type HostLogLevel = 'info' | 'warn' | 'error';
export type HostLog = (level: HostLogLevel, message: string) => void;

export const stderrLog: HostLog = (level, message) => {
  process.stderr.write(`[desk-host] ${level}: ${message}\n`);
};
