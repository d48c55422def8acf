/**
 * A ticket's care items read together with those of the other tickets asked for in the same turn
 * of the event loop: the API list asks for each of its up to 1,000 tickets' items at once, and one
 * query for them all costs one round trip to PostgreSQL instead of one per ticket (issue 12).
 */
import type { CareItem } from '../types/care.ts';
import { toCareItem } from '../care-rows.ts';
import type { Sql } from './connection.ts';

type Waiting = { resolve: (items: CareItem[]) => void; reject: (err: unknown) => void };

/** `careItems(ref)` over `q`, batched per turn of the event loop (outside a transaction). */
export function batchedCareItems(q: Sql): (ref: string) => Promise<CareItem[]> {
  let waiting: Map<string, Waiting[]> | undefined;
  const flush = async (batch: Map<string, Waiting[]>) => {
    try {
      const rows = await q.rows('SELECT * FROM care_items WHERE ticket_ref = ANY($1::text[]) ORDER BY ticket_ref, plan DESC, seq, created_at, id', [[...batch.keys()]]);
      const byRef = new Map<string, CareItem[]>();
      for (const r of rows) {
        const ref = r.ticket_ref as string;
        let list = byRef.get(ref);
        if (!list) byRef.set(ref, (list = []));
        list.push(toCareItem(r));
      }
      for (const [ref, list] of batch) for (const w of list) w.resolve(byRef.get(ref) ?? []);
    } catch (err) {
      for (const list of batch.values()) for (const w of list) w.reject(err);
    }
  };
  return (ref) =>
    new Promise<CareItem[]>((resolve, reject) => {
      if (!waiting) {
        const batch = new Map<string, Waiting[]>();
        waiting = batch;
        // After the calls made in this synchronous run (a page's Promise.all) have joined.
        queueMicrotask(() => {
          waiting = undefined;
          void flush(batch);
        });
      }
      const list = waiting.get(ref);
      if (list) list.push({ resolve, reject });
      else waiting.set(ref, [{ resolve, reject }]);
    });
}
