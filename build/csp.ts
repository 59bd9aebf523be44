// The renderer's Content-Security-Policy, built in one place: the Electron main process sends it
// as a header, and the renderer builds put the same policy in a <meta> tag (file:// pages and
// web mode get no header from us). No remote scripts, styles, fonts or images, ever.

export type CspOptions = {
  /** Origins the page may open sockets or requests to, besides its own (the central server). */
  connectOrigins?: string[];
  /** The electron-vite/vite dev server: it needs inline scripts and its HMR socket. */
  devServerOrigin?: string | null;
};

// The Voice SDK signals over wss to Twilio and posts call-quality events over https; its ringtones
// stream from Twilio's SDK host.
const TWILIO_CONNECT = ['wss://*.twilio.com', 'https://*.twilio.com'];
const TWILIO_MEDIA = ['https://sdk.twilio.com'];

/** The http(s) origin plus its ws(s) twin, since a socket to a server is a different scheme. */
function withSocketScheme(origin: string): string[] {
  const url = new URL(origin);
  const socket = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return [url.origin, `${socket}//${url.host}`];
}

export function buildContentSecurityPolicy(options: CspOptions = {}): string {
  const dev = options.devServerOrigin ?? null;
  const connect = [
    "'self'",
    // Without a known server (a build served by any desk host) any socket host is allowed;
    // what may talk is still limited by scheme.
    ...(options.connectOrigins ? options.connectOrigins.flatMap(withSocketScheme) : ['ws:', 'wss:']),
    ...TWILIO_CONNECT,
    ...(dev ? withSocketScheme(dev) : []),
  ];
  const directives: Record<string, string[]> = {
    'default-src': ["'none'"],
    'script-src': dev ? ["'self'", "'unsafe-inline'", dev] : ["'self'"],
    'style-src': dev ? ["'self'", "'unsafe-inline'", dev] : ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'media-src': ["'self'", 'blob:', ...TWILIO_MEDIA],
    'connect-src': [...new Set(connect)],
    'worker-src': ["'self'", 'blob:'],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'object-src': ["'none'"],
  };
  if (!dev) directives['frame-ancestors'] = ["'none'"];
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** The policy as a <meta> tag; frame-ancestors is ignored there, so it is left out. */
export function contentSecurityPolicyMeta(options: CspOptions = {}): string {
  const policy = buildContentSecurityPolicy(options)
    .split('; ')
    .filter((directive) => !directive.startsWith('frame-ancestors'))
    .join('; ');
  return `<meta http-equiv="Content-Security-Policy" content="${policy}" />`;
}
