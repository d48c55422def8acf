/**
 * The agency directory: who can act, how to reach them, and where each number was read. A number
 * that is not verified is kept for staff but never shown to a person in danger.
 */
import path from 'node:path';
import { z } from 'zod';
import { DefinitionError, zodProblems } from '../core/errors.ts';
import { readYamlFile } from '../core/yaml-file.ts';

const country = z.string().regex(/^([A-Z]{2}|OTHER)$/, 'an ISO 3166-1 alpha-2 code or OTHER');

const phoneSchema = z
  .object({
    number: z.string().regex(/^\+?[0-9][0-9 -]{1,20}$/, 'digits, spaces, dashes, an optional leading +'),
    /** What the number is for, as a locale key, when an agency has several. */
    label: z.string().optional(),
    verified: z.boolean(),
    source: z.string().min(1),
  })
  .strict();

export const agencySchema = z
  .object({
    id: z.string().regex(/^[a-z]{2,4}(-[a-z0-9]+)+$/, 'country or kind, then a name: th-police-atp'),
    country,
    kind: z.enum(['emergency', 'police', 'social', 'labour', 'consular', 'coordination', 'ngo', 'international']),
    phones: z.array(phoneSchema).default([]),
    web: z.string().optional(),
    hours: z.string().optional(),
    /** Shown to a person in danger in these countries (verified numbers only). */
    emergency_in: z.array(country).default([]),
    /** Shown as a number to call yourself in these countries (verified numbers only). */
    hotline_in: z.array(country).default([]),
    /** Shown only to these nationalities, when the nationality is known (e.g. consular help). */
    for_nationality: z.array(country).optional(),
    sources: z.array(z.string().min(1)).min(1),
    verified: z.boolean(),
    notes: z.string().optional(),
  })
  .strict();

export const directoryFileSchema = z.object({ agencies: z.array(agencySchema).min(1) }).strict();

export type Agency = z.infer<typeof agencySchema>;
export type Phone = z.infer<typeof phoneSchema>;

/** The directory, with the look-ups the bot needs. */
export class Directory {
  readonly byId: ReadonlyMap<string, Agency>;

  readonly agencies: readonly Agency[];

  constructor(agencies: readonly Agency[]) {
    this.agencies = agencies;
    this.byId = new Map(agencies.map((a) => [a.id, a]));
  }

  /** Agencies with a verified number to show a person in danger in `country`. */
  emergencyFor(country: string | undefined, nationality?: string): { agency: Agency; phones: Phone[] }[] {
    return this.shown((a) => country !== undefined && a.emergency_in.includes(country), nationality, country);
  }

  /** The countries that have emergency numbers, in directory order. */
  emergencyCountries(): string[] {
    return [...new Set(this.agencies.flatMap((a) => a.emergency_in))].filter((c) => c !== 'OTHER');
  }

  /** Agencies with a verified number a person in `country` can call themselves. */
  hotlinesFor(country: string | undefined, nationality?: string): { agency: Agency; phones: Phone[] }[] {
    return this.shown((a) => country !== undefined && (a.emergency_in.includes(country) || a.hotline_in.includes(country)), nationality, country);
  }

  /** Matching agencies with verified numbers; the country's own services before those of other countries. */
  private shown(where: (a: Agency) => boolean, nationality: string | undefined, country?: string) {
    return this.agencies
      .filter(where)
      .sort((a, b) => Number(b.country === country) - Number(a.country === country))
      .filter((a) => !a.for_nationality || nationality === undefined || a.for_nationality.includes(nationality))
      .map((agency) => ({ agency, phones: agency.phones.filter((p) => p.verified) }))
      .filter((x) => x.phones.length > 0);
  }
}

/** Reads `agencies.yaml`; throws a {@link DefinitionError} naming each problem. */
export function loadDirectory(dir: string): Directory {
  const file = path.join(dir, 'agencies.yaml');
  const parsed = directoryFileSchema.safeParse(readYamlFile(file));
  if (!parsed.success) throw new DefinitionError(zodProblems(file, 'agencies', parsed.error));
  const seen = new Set<string>();
  const problems = parsed.data.agencies.flatMap((a, i) => {
    if (seen.has(a.id)) return [{ file, path: `agencies[${i}]`, message: `duplicate agency id "${a.id}"` }];
    seen.add(a.id);
    return [];
  });
  if (problems.length) throw new DefinitionError(problems);
  return new Directory(parsed.data.agencies);
}
