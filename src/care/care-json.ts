/**
 * Services and return steps as the staff API shows them (issue 15): `services` and `repatriation`
 * beside the brief's ticket fields. Codes and dates only; notes and reasons stay on the ticket page.
 */
import type { Viewer } from '../access/access.ts';
import type { RepatriationService } from '../repatriation/repatriation-service.ts';
import type { CareItem } from '../store/types/care.ts';
import type { CareService } from './care-service.ts';

/** The care part of a ticket's JSON. */
export interface CareJson {
  services: { kind: string; agency: string; status: string; dueAt: string | null }[];
  /** Null when no return plan was started. */
  repatriation: { plan: string | null; steps: { id: string; agency: string; status: string; dueAt: string | null; plannedAt: string | null; doneAt: string | null }[] } | null;
}

/** The care part of a ticket's JSON as a viewer may see it (an agency abroad: its own return steps only). */
export async function careJson(care: CareService, repatriation: RepatriationService, viewer: Viewer, ref: string): Promise<CareJson> {
  const items: CareItem[] = await care.items(ref);
  const steps = repatriation.visibleSteps(viewer, items.filter((i) => i.plan === 'return').sort((a, b) => a.seq - b.seq));
  const started = items.some((i) => i.plan === 'return');
  return {
    services: items.filter((i) => i.plan === 'service').map((i) => ({ kind: i.id, agency: i.agency, status: i.status, dueAt: i.dueAt })),
    repatriation: started
      ? { plan: items.find((i) => i.plan === 'return')?.template ?? null, steps: steps.map((s) => ({ id: s.id, agency: s.agency, status: s.status, dueAt: s.dueAt, plannedAt: s.plannedAt, doneAt: s.doneAt })) }
      : null,
  };
}
