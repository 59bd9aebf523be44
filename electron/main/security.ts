// The session's security policy: a strict CSP header on the app's own pages, and permissions
// limited to the microphone, for the app's own page only (the softphone needs nothing else).
import type { Session } from 'electron';
import { isAppPageUrl, type AppPages } from './config.js';
import { mainLog } from './log.js';

type PermissionDetails = { requestingUrl?: string; mediaTypes?: string[]; mediaType?: string; isMainFrame?: boolean };

/**
 * Microphone only: `media` from the app's own top frame, and never video (a call-taker's desk has
 * no use for the camera).
 */
export function isPermissionAllowed(permission: string, details: PermissionDetails, pages: AppPages): boolean {
  if (permission !== 'media') return false;
  if (details.isMainFrame === false) return false;
  if (!details.requestingUrl || !isAppPageUrl(details.requestingUrl, pages)) return false;
  const types = details.mediaTypes ?? (details.mediaType ? [details.mediaType] : []);
  return types.every((type) => type === 'audio');
}

export function installSessionSecurity(session: Session, pages: AppPages, contentSecurityPolicy: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const isDocument = details.resourceType === 'mainFrame' || details.resourceType === 'subFrame';
    if (!isDocument || !isAppPageUrl(details.url, pages)) {
      callback({});
      return;
    }
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] },
    });
  });

  session.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    const allowed = isPermissionAllowed(permission, details as PermissionDetails, pages);
    if (!allowed) mainLog('warn', `denied permission ${permission} to ${details.requestingUrl}`);
    callback(allowed);
  });
  session.setPermissionCheckHandler((_webContents, permission, _origin, details) =>
    isPermissionAllowed(permission, details as PermissionDetails, pages));
}
