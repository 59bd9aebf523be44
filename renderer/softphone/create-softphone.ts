// Picks the softphone adapter from the session's telephony mode. The Twilio adapter (and the
// Voice SDK with it) is loaded only when used, so the simulated desktop never ships it to the page.
import type { DeskApi, SessionInfo } from '../../shared/desk-api.js';
import type { Softphone } from './softphone.js';
import { SimulatedSoftphone } from './simulated.js';

export async function createSoftphone(session: SessionInfo, desk: Pick<DeskApi, 'getVoiceToken'>): Promise<Softphone> {
  if (session.telephony === 'twilio') {
    const { TwilioSoftphone } = await import('./twilio.js');
    return new TwilioSoftphone({ desk });
  }
  return new SimulatedSoftphone({
    serverUrl: session.serverUrl,
    identity: session.agent.id,
    getToken: async () => (await desk.getVoiceToken({})).token,
  });
}
