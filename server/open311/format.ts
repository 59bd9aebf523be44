// Open311 answers in the two formats GeoReport v2 names: `.json` and `.xml` (UTF-8, with an XML
// declaration), and errors as the spec's list of {code, description}, whichever the format.
import { XMLBuilder } from 'fast-xml-parser';
import type { FastifyReply } from 'fastify';

export const OPEN311_FORMATS = ['json', 'xml'] as const;
export type Open311Format = (typeof OPEN311_FORMATS)[number];

const CONTENT_TYPES: Record<Open311Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};

export type Open311Value = string | number | boolean | null | Open311Value[] | { [key: string]: Open311Value };
export type Open311Record = { [key: string]: Open311Value };

const builder = new XMLBuilder({ ignoreAttributes: true, suppressEmptyNode: false, processEntities: true });

// XML has no null: an absent value, or an empty list, is an empty element, as the spec's examples show.
function forXml(value: Open311Value): unknown {
  if (value === null) return '';
  if (Array.isArray(value)) return value.length === 0 ? '' : value.map(forXml);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, forXml(inner)]));
  return value;
}

function xmlDocument(root: string, content: unknown): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${builder.build({ [root]: content }) as string}`;
}

/** A list: a JSON array, or `<root><item>…</item>…</root>`. */
export function renderList(format: Open311Format, root: string, item: string, rows: readonly Open311Record[]): string {
  if (format === 'json') return JSON.stringify(rows);
  return xmlDocument(root, rows.length === 0 ? '' : { [item]: rows.map(forXml) });
}

/** One object: JSON as it is, or its fields under `<root>`. */
export function renderObject(format: Open311Format, root: string, value: Open311Record): string {
  if (format === 'json') return JSON.stringify(value);
  return xmlDocument(root, forXml(value));
}

export function sendOpen311(reply: FastifyReply, format: Open311Format, statusCode: number, body: string): FastifyReply {
  return reply.code(statusCode).type(CONTENT_TYPES[format]).send(body);
}

/** The spec's error answer: `[{code, description}]` with the HTTP status as the code. */
export function sendOpen311Error(reply: FastifyReply, format: Open311Format, statusCode: number, description: string): FastifyReply {
  return sendOpen311(reply, format, statusCode, renderList(format, 'errors', 'error', [{ code: statusCode, description }]));
}

/** The format a path asks for; anything but `.xml` is answered in JSON (unknown paths included). */
export function formatOfUrl(url: string): Open311Format {
  return /\.xml$/i.test(url.split('?')[0] ?? '') ? 'xml' : 'json';
}
