// Twilio's webhooks (voice, status callbacks, <Dial> results), all refused unless signed, and the
// Voice access token an agent's softphone registers with.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseInput, sendError } from '../http/errors.js';
import type { ServerContext } from '../http/context.js';
import { applyConferenceEvent, applyParticipantStatus } from '../telephony/call-control.js';
import { applyDialResult, applyStatusCallback, routeInboundCall } from '../telephony/call-lifecycle.js';
import { queuePosition } from '../telephony/call-records.js';
import { isSignedByTwilio } from '../telephony/signature.js';
import { emptyTwiml, queueWaitTwiml } from '../telephony/twiml.js';
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

const QueueWaitSchema = z.looseObject({ CallSid: CallSidSchema, QueuePosition: z.string().optional() });

const ConferenceEventSchema = z.looseObject({
  ConferenceSid: z.string().min(1),
  FriendlyName: z.string().min(1),
  StatusCallbackEvent: z.string().min(1),
  CallSid: CallSidSchema.optional(),
});

const ParticipantQuerySchema = z.object({ callId: z.uuid() });

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

  const center = context.callCenter;

  app.post('/twilio/voice', { config: { access: 'public' }, preHandler: signedOnly }, async (request, reply) => {
    const params = parseInput(VoiceWebhookSchema, request.body);
    const routed = await center.run((tx, effects) =>
      routeInboundCall(tx, { callSid: params.CallSid, from: params.From, to: params.To, params }, center.settings, effects),
    );
    request.log.info({ callSid: routed.call.callSid, queue: routed.call.queue, routedTo: routed.routedTo }, 'inbound call');
    return sendTwiml(reply, routed.twiml);
  });

  app.post('/twilio/status', { config: { access: 'public' }, preHandler: signedOnly }, async (request, reply) => {
    const params = parseInput(StatusCallbackSchema, request.body);
    await center.run((tx, effects) => applyStatusCallback(tx, params, effects));
    return sendTwiml(reply, emptyTwiml());
  });

  app.post('/twilio/dial-result', { config: { access: 'public' }, preHandler: signedOnly }, async (request, reply) => {
    const params = parseInput(DialResultSchema, request.body);
    return sendTwiml(reply, await center.run((tx, effects) => applyDialResult(tx, params, center.settings, effects)));
  });

  // <Enqueue waitUrl>: fetched again and again while the caller waits.
  app.post('/twilio/queue-wait', { config: { access: 'public' }, preHandler: signedOnly }, async (request, reply) => {
    const params = parseInput(QueueWaitSchema, request.body);
    const reported = Number(params.QueuePosition);
    // Twilio's position counts arrival in its own queue; ours puts 911 transfers first.
    const position = (await queuePosition(context.store, params.CallSid)) ?? (Number.isInteger(reported) ? reported : null);
    return sendTwiml(reply, queueWaitTwiml(position, context.config.holdMusicUrl));
  });

  app.post('/twilio/conference', { config: { access: 'public' }, preHandler: signedOnly }, async (request, reply) => {
    const params = parseInput(ConferenceEventSchema, request.body);
    await center.run((tx, effects) => applyConferenceEvent(tx, params, center.settings, effects));
    return sendTwiml(reply, emptyTwiml());
  });

  app.post('/twilio/participant', { config: { access: 'public' }, preHandler: signedOnly }, async (request, reply) => {
    const { callId } = parseInput(ParticipantQuerySchema, request.query);
    const params = parseInput(StatusCallbackSchema, request.body);
    await center.run((tx, effects) => applyParticipantStatus(tx, callId, params, center.settings, effects));
    return sendTwiml(reply, emptyTwiml());
  });
}

export function registerVoiceTokenRoute(scope: FastifyInstance, context: ServerContext): void {
  scope.get('/twilio/token', { config: { access: 'calls.take' } }, async (request) => {
    return createVoiceToken(context.config.twilio, signedInAgentId(request));
  });
}
