// Call control for the signed-in agent who holds the call: its state, hold, transfers, wrap-up,
// and where a call can be transferred. The contract is shared/call-control.ts.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  HoldRequestSchema, TransferRequestSchema, WrapUpRequestSchema,
  type CallControlState, type TransferTargets,
} from '../../shared/call-control.js';
import { HttpFailure, parseInput } from '../http/errors.js';
import type { ServerContext } from '../http/context.js';
import { getAgent } from '../store/agents.js';
import { cancelTransfer, completeTransfer, holdCall, startTransfer, viewableCall, wrapUpCall } from '../telephony/call-control.js';
import type { Effects } from '../telephony/call-lifecycle.js';
import { callControlState } from '../telephony/call-records.js';
import type { Store } from '../store/store.js';
import { signedInAgentId } from './auth.js';

const CallParamsSchema = z.object({ callId: z.uuid() });
const EmptyBodySchema = z.object({}).strict();
const TAKES_CALLS = { config: { access: 'calls.take' } } as const;

export function registerCallRoutes(scope: FastifyInstance, context: ServerContext): void {
  const center = context.callCenter;

  /** Runs a control step for the signed-in agent, then answers with the call as it is now. */
  const control = async (
    request: { params: unknown; agentId: string | null },
    step: (tx: Store, callId: string, agentId: string, effects: Effects) => Promise<void>,
  ): Promise<CallControlState> => {
    const { callId } = parseInput(CallParamsSchema, request.params);
    const agentId = signedInAgentId(request as Parameters<typeof signedInAgentId>[0]);
    await center.run((tx, effects) => step(tx, callId, agentId, effects));
    const state = await center.callState(callId);
    if (!state) throw new HttpFailure(404, 'CALL_NOT_FOUND', `no call ${callId}`);
    return state;
  };

  scope.get('/calls/:callId', TAKES_CALLS, async (request) => {
    const { callId } = parseInput(CallParamsSchema, request.params);
    const call = await viewableCall(context.store, callId, signedInAgentId(request));
    return callControlState(context.store, call);
  });

  scope.post('/calls/:callId/hold', TAKES_CALLS, async (request) => {
    const { onHold } = parseInput(HoldRequestSchema, request.body);
    return control(request, (tx, callId, agentId, effects) => holdCall(tx, callId, agentId, onHold, center.settings, effects));
  });

  scope.post('/calls/:callId/transfer', TAKES_CALLS, async (request) => {
    const transfer = parseInput(TransferRequestSchema, request.body);
    return control(request, (tx, callId, agentId, effects) => startTransfer(tx, callId, agentId, transfer, center.settings, effects));
  });

  scope.post('/calls/:callId/transfer/complete', TAKES_CALLS, async (request) => {
    parseInput(EmptyBodySchema, request.body ?? {});
    return control(request, (tx, callId, agentId, effects) => completeTransfer(tx, callId, agentId, center.settings, effects));
  });

  scope.post('/calls/:callId/transfer/cancel', TAKES_CALLS, async (request) => {
    parseInput(EmptyBodySchema, request.body ?? {});
    return control(request, (tx, callId, agentId, effects) => cancelTransfer(tx, callId, agentId, center.settings, effects));
  });

  scope.post('/calls/:callId/wrap-up', TAKES_CALLS, async (request) => {
    const wrapUp = parseInput(WrapUpRequestSchema, request.body);
    const call = await control(request, (tx, callId, agentId, effects) => wrapUpCall(tx, callId, agentId, wrapUp, effects));
    const agent = await getAgent(context.store, signedInAgentId(request));
    if (!agent) throw new HttpFailure(401, 'UNAUTHORIZED', 'sign in first: this agent no longer exists');
    return { call, agent };
  });

  scope.get('/telephony/transfer-targets', TAKES_CALLS, async (request): Promise<TransferTargets> => {
    const agentId = signedInAgentId(request);
    const agents = await context.store.query<{ id: string; display_name: string; state: string }>(
      `SELECT id, display_name, state FROM agents
       WHERE id <> $1 AND state = 'available' AND cardinality(skills) > 0
         AND NOT EXISTS (SELECT 1 FROM call_offers o JOIN calls c ON c.id = o.call_id
                         WHERE o.agent_id = agents.id AND o.outcome IS NULL AND c.ended_at IS NULL)
       ORDER BY display_name`,
      [agentId],
    );
    return {
      departments: [...context.config.departmentLines],
      agents: agents.map((row) => ({ id: row.id, displayName: row.display_name, state: row.state })),
      emergencyLine: context.config.emergencyTransferNumber,
    };
  });
}
