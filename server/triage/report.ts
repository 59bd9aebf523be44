// Figures about 911 transfers for the live-queue and reporting screens: how many transferred
// calls 311 resolved and how many went back to 911, and how long triage takes per protocol.
import { z } from 'zod';
import type { Store } from '../store/store.js';

export const TriageReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  runs: z.number().int(),
  resolvedBy311: z.number().int(),
  returnedTo911: z.number().int(),
  /** Keyed by the topic protocol the run ended in (the last one it walked). */
  byProtocol: z.array(z.object({ protocolId: z.string(), runs: z.number().int(), medianSeconds: z.number() })),
});
export type TriageReport = z.infer<typeof TriageReportSchema>;

export async function triageReport(store: Store, range: { from: string; to: string }): Promise<TriageReport> {
  const [totals] = await store.query<{ runs: number; returned: number }>(
    `SELECT count(*)::int AS runs,
            count(*) FILTER (WHERE escalated OR outcome_kind = 'return_to_911')::int AS returned
     FROM triage_records WHERE started_at >= $1 AND started_at < $2`,
    [range.from, range.to],
  );
  const perProtocol = await store.query<{ protocol_id: string; runs: number; median_ms: number }>(
    `SELECT record -> 'protocols' -> -1 ->> 'id' AS protocol_id, count(*)::int AS runs,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY elapsed_ms)::float8 AS median_ms
     FROM triage_records WHERE started_at >= $1 AND started_at < $2
     GROUP BY 1 ORDER BY 1`,
    [range.from, range.to],
  );
  const runs = totals?.runs ?? 0;
  const returned = totals?.returned ?? 0;
  return {
    from: range.from,
    to: range.to,
    runs,
    resolvedBy311: runs - returned,
    returnedTo911: returned,
    byProtocol: perProtocol.map((row) => ({ protocolId: row.protocol_id, runs: row.runs, medianSeconds: Math.round(row.median_ms / 100) / 10 })),
  };
}
