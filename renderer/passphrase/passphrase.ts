// The desktop's cache passphrase prompt (Linux without a keyring): the passphrase, typed twice the
// first time, goes to the main process through the preload's `window.cachePassphrase`. The main
// process reloads the page with ?mode=create|unlock and &error=… when it must ask again.
import './passphrase.css';

type CachePassphraseBridge = { submit(passphrase: string): void };
const bridge = (window as unknown as { cachePassphrase?: CachePassphraseBridge }).cachePassphrase;

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = element<HTMLFormElement>('passphrase-form');
const passphrase = element<HTMLInputElement>('passphrase');
const confirmation = element<HTMLInputElement>('confirm');
const error = element<HTMLParagraphElement>('error');
const submit = element<HTMLButtonElement>('submit');

const params = new URLSearchParams(window.location.search);
const creating = params.get('mode') === 'create';
error.textContent = params.get('error') ?? '';
if (creating) {
  element('heading').textContent = 'Choose a passphrase for the local cache';
  element('explanation').textContent =
    'This computer has no key store, so the local cache is encrypted with a passphrase you will type at each start. It cannot be recovered if forgotten.';
  element('confirm-label').hidden = false;
  confirmation.required = true;
  submit.textContent = 'Set passphrase';
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (creating && confirmation.value !== passphrase.value) {
    error.textContent = 'The two passphrases differ.';
    return;
  }
  if (!bridge) {
    error.textContent = 'This page only works inside the Frontdesk311 desktop.';
    return;
  }
  submit.disabled = true;
  submit.textContent = 'Opening…';
  error.textContent = '';
  bridge.submit(passphrase.value);
});
