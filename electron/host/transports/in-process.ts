// A DeskClient in the same process as the host (tests, the utility process's own callers).
// Calls still go through handleDeskCall, so they meet exactly the validation the renderer does.
import { DESK_METHOD_NAMES, type DeskApi, type DeskClient, type DeskMethodName } from '../../../shared/desk-api.js';
import { DeskFailure } from '../../../shared/errors.js';
import { handleDeskCall } from '../desk-dispatch.js';
import type { DeskService } from '../desk-service.js';

export function createInProcessDeskClient(service: DeskService): DeskClient {
  let nextId = 0;
  const call = async (method: DeskMethodName, params: unknown): Promise<unknown> => {
    const reply = await handleDeskCall(service, { kind: 'call', id: nextId++, method, params });
    if (!reply.ok) throw new DeskFailure(reply.error.code, reply.error.message, reply.error.details);
    return reply.value;
  };
  const api = Object.fromEntries(DESK_METHOD_NAMES.map((method) => [method, (params: unknown) => call(method, params)])) as unknown as DeskApi;
  return { ...api, on: (event, listener) => service.on(event, listener) };
}
