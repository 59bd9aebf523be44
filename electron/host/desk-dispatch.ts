// The one gate every DeskApi call passes through, whatever the transport: checks the envelope,
// the method name and the params, runs the method, checks the result, and always answers with
// a reply message (errors as catalogue `{code, message}`), never a throw.
import {
  DeskCallMessageSchema,
  DeskMethods,
  isDeskMethodName,
  type DeskApi,
  type DeskMethodName,
  type DeskReplyMessage,
} from '../../shared/desk-api.js';
import { deskError, formatZodError, toDeskError } from '../../shared/errors.js';

/** The id used in replies to messages too broken to carry their own. */
export const UNKNOWN_CALL_ID = -1;

export async function handleDeskCall(desk: DeskApi, message: unknown): Promise<DeskReplyMessage> {
  const envelope = DeskCallMessageSchema.safeParse(message);
  if (!envelope.success) {
    const id = (message as { id?: unknown } | null)?.id;
    return failed(Number.isInteger(id) ? (id as number) : UNKNOWN_CALL_ID, deskError('INVALID_INPUT', `Not a desk call: ${formatZodError(envelope.error)}`));
  }
  const { id, method } = envelope.data;
  if (!isDeskMethodName(method)) return failed(id, deskError('UNKNOWN_METHOD', `The desk API has no method "${method}".`));

  const contract = DeskMethods[method];
  // JSON drops an undefined field, so a call without params arrives with none.
  const params = contract.params.safeParse(envelope.data.params ?? {});
  if (!params.success) return failed(id, deskError('INVALID_INPUT', `${method}: ${formatZodError(params.error)}`));

  let value: unknown;
  try {
    value = await (desk[method] as (params: unknown) => Promise<unknown>)(params.data);
  } catch (thrown) {
    return failed(id, toDeskError(thrown));
  }
  const result = (contract.result as (typeof DeskMethods)[DeskMethodName]['result']).safeParse(value);
  if (!result.success) {
    return failed(id, deskError('INTERNAL', `${method} produced a result outside the contract: ${formatZodError(result.error)}`));
  }
  return { kind: 'reply', id, ok: true, value: result.data };
}

function failed(id: number, error: ReturnType<typeof deskError>): DeskReplyMessage {
  return { kind: 'reply', id, ok: false, error };
}
