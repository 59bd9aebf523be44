// Twilio's webhooks (voice, status callbacks, <Dial> results), all refused unless signed, and the
// Voice access token an agent's softphone registers with.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseInput, sendError } from '../http/errors.js';
import type { ServerContext } from '../http/context.js';
import { applyDialResult, applyStatusCallback, routeInboundCall } from '../telephony/call-records.js';
import { isSignedByTwilio } from '../telephony/signature.js';
import { dialAgentTwiml, emptyTwiml, enqueueTwiml, hangupTwiml } from '../telephony/twiml.js';
import { createVoiceToken } from '../telephony/voice-token.js';
import { signedInAgentId } from './auth.js';

const CallSidSchema = z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'not a Twilio CallSid');

const VoiceWebhookSchema = z.looseObject({
  CallSid: CallSidSchema,
  AccountSid: z.string().min(1),
  From: z.string().max(256).default(''),
  To: z.string().max(256).default(''),
  CallStatus: z.string().optional(),
});

const StatusCallbackSchema = z.looseObject({
  CallSid: CallSidSchema,
  CallStatus: z.string().min(1),
  ParentCallSid: CallSidSchema.optional(),
});

const DialResultSchema = z.looseObject({
  CallSid: CallSidSchema,
  DialCallStatus: z.string().optional(),
  CallStatus: z.string().optional(),
});

function sendTwiml(reply: FastifyReply, twiml: string): FastifyReply {
  return reply.code(200).type('text/xml').send(twiml);
}

export function registerTwilioWebhooks(app: FastifyInstance, context: ServerContext): void {
  const settings = {
    authToken: context.config.twilio.authToken,
    publicUrl: () => context.publicUrl(),
    trustProxy: context.config.trustProxy,
  };

  // Checked before anything is parsed or stored: an unsigned request leaves no trace but a log line.
  const signedOnly = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isSignedByTwilio(request, settings)) {
      request.log.warn({ url: request.url }, 'refused a webhook without a valid X-Twilio-Signature');
      return sendError(reply, 403, 'TWILIO_SIGNATURE_INVALID', 'the X-Twilio-Signature header is missing or does not match');
    }
  };

  app.post('/twilio/voice', { preHandler: signedOnly }, async (request, reply) => {
    const params = parseInput(VoiceWebhookSchema, request.body);
    const { call, decision } = await routeInboundCall(context.store, {
      callSid: params.CallSid,
      from: params.From,
      to: params.To,
      params,
      transfer911Numbers: context.config.transfer911Numbers,
    });
    request.log.info({ callSid: call.callSid, queue: call.queue, decision }, 'inbound call');
    const twiml =
      decision.kind === 'dial'
        ? dialAgentTwiml({
            agentId: decision.agentId,
            callId: call.id,
            queue: call.queue,
            is911Transfer: call.is911Transfer,
            receivedAt: call.receivedAt,
            ringTimeoutSeconds: context.config.ringTimeoutSeconds,
          })
        : enqueueTwiml(decision.queue);
    return sendTwiml(reply, twiml);
  });

  app.post('/twilio/status', { preHandler: signedOnly }, async (request, reply) => {
    const params = parseInput(StatusCallbackSchema, request.body);
    await applyStatusCallback(context.store, params);
    return sendTwiml(reply, emptyTwiml());
  });

  app.post('/twilio/dial-result', { preHandler: signedOnly }, async (request, reply) => {
    const params = parseInput(DialResultSchema, request.body);
    const next = await applyDialResult(context.store, params);
    return sendTwiml(reply, next.action === 'enqueue' ? enqueueTwiml(next.queue) : hangupTwiml());
  });
}

export function registerVoiceTokenRoute(scope: FastifyInstance, context: ServerContext): void {
  scope.get('/twilio/token', async (request) => {
    return createVoiceToken(context.config.twilio, signedInAgentId(request));
  });
}
