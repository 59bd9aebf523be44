// The preload of the cache passphrase prompt: `window.cachePassphrase.submit` sends the typed
// passphrase on the prompt's own channel and nothing else reaches the page.
import { contextBridge, ipcRenderer } from 'electron';
import { CACHE_PASSPHRASE_CHANNEL, checkPassphraseSubmission, type CachePassphraseBridge } from './passphrase-channel.js';

const bridge: CachePassphraseBridge = {
  submit(passphrase) {
    const checked = checkPassphraseSubmission(passphrase);
    if (checked !== null) ipcRenderer.send(CACHE_PASSPHRASE_CHANNEL, checked);
  },
};

contextBridge.exposeInMainWorld('cachePassphrase', bridge);
