// Reads a TwiML answer into the verbs the simulated Twilio acts on, in document order.
import { XMLParser } from 'fast-xml-parser';

export interface SimDialClient {
  identity: string;
  statusCallback: string | null;
  statusCallbackEvents: string[];
  params: Record<string, string>;
}

/** <Dial><Conference> with the attributes the simulator honours (defaults as Twilio documents them). */
export interface SimDialConference {
  name: string;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  muted: boolean;
  /** Absent means Twilio's default hold music, which the simulator does not fetch. */
  waitUrl: string | null;
  waitMethod: 'GET' | 'POST';
  statusCallback: string | null;
  /** As written in TwiML: start end join leave mute hold modify speaker announcement. */
  statusCallbackEvents: string[];
  participantLabel: string | null;
  coach: string | null;
}

export type SimVerb =
  | { verb: 'Say'; text: string }
  | { verb: 'Play'; url: string }
  | { verb: 'Pause'; seconds: number }
  | { verb: 'Redirect'; url: string }
  | { verb: 'Leave' }
  | {
      verb: 'Dial';
      action: string | null;
      timeoutSeconds: number;
      clients: SimDialClient[];
      numbers: string[];
      conference: SimDialConference | null;
    }
  | { verb: 'Enqueue'; queue: string; waitUrl: string | null; action: string | null }
  | { verb: 'Hangup' }
  | { verb: 'Reject' }
  | { verb: 'Unsupported'; name: string };

/** fast-xml-parser's ordered form: one key per element (its children), attributes under ":@". */
type XmlNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

function tagOf(node: XmlNode): string | undefined {
  return Object.keys(node).find((key) => key !== ':@');
}

function childrenOf(node: XmlNode): XmlNode[] {
  const tag = tagOf(node);
  const children = tag ? node[tag] : undefined;
  return Array.isArray(children) ? (children as XmlNode[]) : [];
}

function textOf(node: XmlNode): string {
  return childrenOf(node)
    .map((child) => (typeof child['#text'] === 'string' || typeof child['#text'] === 'number' ? String(child['#text']) : ''))
    .join('')
    .trim();
}

function eventList(value: string | undefined, fallback: string): string[] {
  return (value ?? fallback).split(/[\s,]+/).filter(Boolean);
}

/** TwiML booleans are the words "true" / "false"; anything else keeps the default. */
function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return fallback;
}

function readClient(node: XmlNode): SimDialClient {
  const attributes = node[':@'] ?? {};
  const params: Record<string, string> = {};
  let identity = '';
  for (const child of childrenOf(node)) {
    const tag = tagOf(child);
    if (tag === 'Identity') identity = textOf(child);
    if (tag === 'Parameter' && child[':@']?.name !== undefined) params[child[':@'].name] = child[':@'].value ?? '';
  }
  // Older TwiML puts the identity straight inside <Client>.
  if (!identity) identity = textOf(node);
  return {
    identity,
    statusCallback: attributes.statusCallback ?? null,
    statusCallbackEvents: eventList(attributes.statusCallbackEvent, 'completed'),
    params,
  };
}

function readConference(node: XmlNode): SimDialConference {
  const attributes = node[':@'] ?? {};
  return {
    name: textOf(node),
    startConferenceOnEnter: flag(attributes.startConferenceOnEnter, true),
    endConferenceOnExit: flag(attributes.endConferenceOnExit, false),
    muted: flag(attributes.muted, false),
    waitUrl: attributes.waitUrl || null,
    waitMethod: attributes.waitMethod?.toUpperCase() === 'GET' ? 'GET' : 'POST',
    statusCallback: attributes.statusCallback ?? null,
    statusCallbackEvents: eventList(attributes.statusCallbackEvent, ''),
    participantLabel: attributes.participantLabel ?? null,
    coach: attributes.coach ?? null,
  };
}

function readVerb(node: XmlNode): SimVerb | null {
  const tag = tagOf(node);
  if (!tag || tag === '#text') return null;
  const attributes = node[':@'] ?? {};
  switch (tag) {
    case 'Say':
      return { verb: 'Say', text: textOf(node) };
    case 'Play':
      return { verb: 'Play', url: textOf(node) };
    case 'Pause':
      return { verb: 'Pause', seconds: Math.max(0, Number(attributes.length ?? 1) || 0) };
    case 'Redirect':
      return { verb: 'Redirect', url: textOf(node) };
    case 'Leave':
      return { verb: 'Leave' };
    case 'Dial': {
      const children = childrenOf(node);
      const conference = children.find((child) => tagOf(child) === 'Conference');
      const numbers = children.filter((child) => tagOf(child) === 'Number').map(textOf);
      // <Dial>+12155550100</Dial> dials the number written straight inside.
      const bare = children.length > 0 && children.every((child) => tagOf(child) === '#text') ? textOf(node) : '';
      return {
        verb: 'Dial',
        action: attributes.action ?? null,
        timeoutSeconds: Number(attributes.timeout ?? 30) || 30,
        clients: children.filter((child) => tagOf(child) === 'Client').map(readClient),
        numbers: bare ? [bare, ...numbers] : numbers,
        conference: conference ? readConference(conference) : null,
      };
    }
    case 'Enqueue':
      return { verb: 'Enqueue', queue: textOf(node), waitUrl: attributes.waitUrl || null, action: attributes.action ?? null };
    case 'Hangup':
      return { verb: 'Hangup' };
    case 'Reject':
      return { verb: 'Reject' };
    default:
      return { verb: 'Unsupported', name: tag };
  }
}

/** The verbs of a <Response>; throws when the document is not TwiML. */
export function parseTwiml(xml: string): SimVerb[] {
  const nodes = parser.parse(xml) as XmlNode[];
  const response = nodes.find((node) => tagOf(node) === 'Response');
  if (!response) throw new Error('the answer is not TwiML: no <Response>');
  return childrenOf(response)
    .map(readVerb)
    .filter((verb): verb is SimVerb => verb !== null);
}
