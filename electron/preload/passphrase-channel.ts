// The one IPC channel of the cache passphrase prompt, shared by its preload and the main process.
export const CACHE_PASSPHRASE_CHANNEL = 'cache-passphrase:submit';
export const MAX_PASSPHRASE_LENGTH = 1024;

/** What the prompt's preload puts on `window.cachePassphrase`. */
export type CachePassphraseBridge = { submit(passphrase: string): void };

/** The passphrase as sent, or null for anything else. */
export function checkPassphraseSubmission(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_PASSPHRASE_LENGTH ? value : null;
}
