// The desktop's DeskClient: `window.desk` from the preload, wrapped so it behaves exactly like the
// WebSocket client (results and events validated, failures as DeskFailure with their code).
// Errors lose their properties crossing contextBridge, so the preload rejects with plain {code, message}.
import type { DeskClient } from '../../shared/desk-api.js';
import { createLogger, type Logger } from '../lib/log.js';
import { bindDeskApi, parseDeskEvent, parseDeskParams, parseDeskResult, toDeskFailure } from './validate.js';

export function wrapBridgedDeskClient(bridge: DeskClient, log: Logger = createLogger('desk:bridge')): DeskClient {
  return {
    ...bindDeskApi(async (method, params) => {
      const checked = parseDeskParams(method, params);
      let value: unknown;
      try {
        value = await (bridge[method] as (p: unknown) => Promise<unknown>)(checked);
      } catch (error) {
        throw toDeskFailure(error);
      }
      return parseDeskResult(method, value);
    }),
    on(event, listener) {
      return bridge.on(event, (payload: unknown) => {
        const parsed = parseDeskEvent(event, payload);
        if (!parsed) {
          log.warn(`dropped desk event ${event}: outside the contract`);
          return;
        }
        (listener as (value: unknown) => void)(parsed.payload);
      });
    },
  };
}
