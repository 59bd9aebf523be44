// Reads a TwiML answer into the verbs the simulated Twilio acts on, in document order.
import { XMLParser } from 'fast-xml-parser';

export interface SimDialClient {
  identity: string;
  statusCallback: string | null;
  statusCallbackEvents: string[];
  params: Record<string, string>;
}

export type SimVerb =
  | { verb: 'Say'; text: string }
  | { verb: 'Dial'; action: string | null; timeoutSeconds: number; clients: SimDialClient[] }
  | { verb: 'Enqueue'; queue: string }
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
    statusCallbackEvents: (attributes.statusCallbackEvent ?? 'completed').split(/[\s,]+/).filter(Boolean),
    params,
  };
}

function readVerb(node: XmlNode): SimVerb | null {
  const tag = tagOf(node);
  if (!tag || tag === '#text') return null;
  const attributes = node[':@'] ?? {};
  switch (tag) {
    case 'Say':
      return { verb: 'Say', text: textOf(node) };
    case 'Dial':
      return {
        verb: 'Dial',
        action: attributes.action ?? null,
        timeoutSeconds: Number(attributes.timeout ?? 30) || 30,
        clients: childrenOf(node).filter((child) => tagOf(child) === 'Client').map(readClient),
      };
    case 'Enqueue':
      return { verb: 'Enqueue', queue: textOf(node) };
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
