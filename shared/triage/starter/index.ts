// The starter protocol set written for Frontdesk311: the safety screen, the topic chooser and the
// topic protocols, loaded and validated against the synced service type catalogue.
import { validateProtocolSet, type ProtocolSetCheck, type ServiceTypeCatalogue } from '../validate.js';
import type { TriageProtocolDocument } from '../protocol.js';
import { abandonedVehicle } from './abandoned-vehicle.js';
import { animal } from './animal.js';
import { illegalDumping } from './illegal-dumping.js';
import { illegalParking } from './illegal-parking.js';
import { lightOrSignalOut } from './light-or-signal-out.js';
import { lostProperty } from './lost-property.js';
import { noise } from './noise.js';
import { openHydrant } from './open-hydrant.js';
import { safetyScreen } from './safety-screen.js';
import { suspiciousCondition } from './suspicious-condition.js';
import { topicChooser } from './topic-chooser.js';
import { trafficAccident } from './traffic-accident.js';

/** Every run starts here. */
export const SAFETY_SCREEN_ID = 'safety-screen';

export const STARTER_PROTOCOLS: readonly TriageProtocolDocument[] = [
  safetyScreen,
  topicChooser,
  noise,
  abandonedVehicle,
  illegalParking,
  illegalDumping,
  openHydrant,
  lightOrSignalOut,
  trafficAccident,
  lostProperty,
  animal,
  suspiciousCondition,
];

export function loadStarterProtocols(catalogue: ServiceTypeCatalogue): ProtocolSetCheck {
  return validateProtocolSet(STARTER_PROTOCOLS, catalogue, SAFETY_SCREEN_ID);
}
