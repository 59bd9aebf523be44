// The public transparency page (GET /public): requests opened and closed in the last 30 days by
// service type and by neighborhood, and the median days to close. Aggregates only: no case, no
// address, no caller. Server-rendered HTML with no script; its one inline style is allowed by hash.
import { createHash } from 'node:crypto';
import type { Store } from '../store/store.js';

export const TRANSPARENCY_WINDOW_DAYS = 30;

export interface TransparencyRow {
  label: string;
  opened: number;
  closed: number;
  /** Of the requests closed in the window; null when none was. */
  medianDaysToClose: number | null;
}

export interface TransparencyReport {
  from: string;
  to: string;
  total: TransparencyRow;
  byServiceType: TransparencyRow[];
  byNeighborhood: TransparencyRow[];
}

interface AggregateRow {
  label: string;
  opened: number | string;
  closed: number | string;
  median_seconds: number | string | null;
}

function rowOf(row: AggregateRow): TransparencyRow {
  return {
    label: row.label,
    opened: Number(row.opened),
    closed: Number(row.closed),
    medianDaysToClose: row.median_seconds === null ? null : Math.round((Number(row.median_seconds) / 86_400) * 10) / 10,
  };
}

async function aggregate(store: Store, labelSql: string, joinSql: string, from: string): Promise<AggregateRow[]> {
  return store.query<AggregateRow>(
    `SELECT ${labelSql} AS label,
       count(*) FILTER (WHERE r.requested_at >= $1::timestamptz)::int8 AS opened,
       count(*) FILTER (WHERE r.closed_at >= $1::timestamptz)::int8 AS closed,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.closed_at - r.requested_at))
         FILTER (WHERE r.closed_at >= $1::timestamptz) AS median_seconds
     FROM service_requests r ${joinSql}
     WHERE r.requested_at >= $1::timestamptz OR r.closed_at >= $1::timestamptz
     GROUP BY 1 ORDER BY 2 DESC, 1`,
    [from],
  );
}

export async function transparencyReport(store: Store, now: Date = new Date()): Promise<TransparencyReport> {
  const from = new Date(now.getTime() - TRANSPARENCY_WINDOW_DAYS * 86_400_000).toISOString();
  const [byServiceType, byNeighborhood, total] = [
    await aggregate(store, 't.name', 'JOIN service_types t ON t.code = r.service_type_code', from),
    await aggregate(store, "coalesce(n.name, 'Not placed in a neighborhood')", 'LEFT JOIN neighborhoods n ON n.id = r.neighborhood_id', from),
    await aggregate(store, "'All requests'", '', from),
  ];
  return {
    from,
    to: now.toISOString(),
    total: total[0] ? rowOf(total[0]) : { label: 'All requests', opened: 0, closed: 0, medianDaysToClose: null },
    byServiceType: byServiceType.map(rowOf),
    byNeighborhood: byNeighborhood.map(rowOf),
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const STYLE = 'body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1b1b1b}'
  + 'table{border-collapse:collapse;width:100%;margin-bottom:2rem}th,td{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left}'
  + 'td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}';

/** The page's Content-Security-Policy: nothing may load or run; the inline style is allowed by its hash. */
export const TRANSPARENCY_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function days(value: number | null): string {
  return value === null ? '—' : value.toFixed(1);
}

function table(caption: string, rows: readonly TransparencyRow[]): string {
  const body = rows.length === 0
    ? '<tr><td colspan="4">No requests in this period.</td></tr>'
    : rows.map((row) => `<tr><td>${escapeHtml(row.label)}</td><td class="n">${row.opened}</td><td class="n">${row.closed}</td><td class="n">${days(row.medianDaysToClose)}</td></tr>`).join('\n');
  return `<table>
<caption>${escapeHtml(caption)}</caption>
<thead><tr><th scope="col"></th><th scope="col" class="n">Opened</th><th scope="col" class="n">Closed</th><th scope="col" class="n">Median days to close</th></tr></thead>
<tbody>
${body}
</tbody>
</table>`;
}

export function renderTransparencyPage(report: TransparencyReport, apiBase: string): string {
  const { total } = report;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>311 service requests: the last ${TRANSPARENCY_WINDOW_DAYS} days</title>
<style>${STYLE}</style>
</head>
<body>
<h1>311 service requests: the last ${TRANSPARENCY_WINDOW_DAYS} days</h1>
<p>From ${escapeHtml(report.from.slice(0, 10))} to ${escapeHtml(report.to.slice(0, 10))}: ${total.opened} requests opened,
${total.closed} closed, median ${days(total.medianDaysToClose)} days to close. Counts only; no request or resident is shown here.</p>
${table('By service type', report.byServiceType)}
${table('By neighborhood', report.byNeighborhood)}
<p>The requests themselves, with places generalized to the block, are open through the
<a href="${escapeHtml(apiBase)}/services.json">Open311 GeoReport v2 API</a>
(<a href="${escapeHtml(apiBase)}/requests.json">requests.json</a>, <a href="${escapeHtml(apiBase)}/requests.xml">requests.xml</a>).</p>
</body>
</html>
`;
}
