// The main process's log: one JSON line per entry on stderr, which electron-builder's packaged
// app and `electron-vite dev` both keep.

export type MainLogLevel = 'info' | 'warn' | 'error';

export function mainLog(level: MainLogLevel, message: string, detail?: unknown): void {
  const entry: Record<string, unknown> = { at: new Date().toISOString(), level, scope: 'electron-main', message };
  if (detail !== undefined) entry.detail = detail instanceof Error ? detail.message : detail;
  process.stderr.write(`${JSON.stringify(entry)}\n`);
}
