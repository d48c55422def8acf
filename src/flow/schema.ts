/**
 * Tier one of flow validation: the shape of the YAML files, with zod. Tier two (meaning: ids,
 * targets, keys, reachability) is in `validate.ts`.
 */
import { z } from 'zod';

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'use lower-case letters, digits and _ (e.g. ask_passport)');
const localeKey = z.string().regex(/^[a-z][A-Za-z0-9_.-]*$/, 'a locale key such as victim.ask_passport');

/** A data-dictionary entry as written in YAML. */
export const keyDefSchema = z
  .object({
    type: z.enum(['yesno', 'choice', 'multi', 'text', 'number', 'location', 'media']),
    values: z.array(z.string().min(1).max(32)).min(1).optional(),
    labels: localeKey.optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    sensitive: z.boolean().optional(),
    summary: z.boolean().optional(),
    confirm: z.boolean().optional(),
    consent: z.boolean().optional(),
    yesno: z.union([z.tuple([z.string(), z.string()]), z.tuple([z.string(), z.string(), z.string()])]).optional(),
    age: z.object({ under: z.number().int().positive(), below: z.string(), from: z.string() }).strict().optional(),
    /** value -> answers it stands for, e.g. `cannot_leave: { free_to_leave: 'no' }`. */
    implies: z.record(z.string(), z.record(id, z.string())).optional(),
    /** Free text read for the indicators it describes (a message to staff, a witness's account). */
    signs: z.boolean().optional(),
    /** Values of a multi-select that answer at once when tapped ("ask me one by one"): no "Done". */
    alone: z.array(z.string()).optional(),
  })
  .strict()
  .refine((d) => (d.type === 'choice' || d.type === 'multi') === (d.values !== undefined), {
    message: 'choice and multi keys need values; other types take none',
    path: ['values'],
  })
  .refine((d) => [...(d.yesno ?? []), ...(d.age ? [d.age.below, d.age.from] : [])].every((v) => d.values?.includes(v)), {
    message: 'yesno and age name values of the key',
    path: ['values'],
  });

export const dictionaryFileSchema = z.object({ keys: z.record(id, keyDefSchema) }).strict();

const sayItem = z.union([localeKey, z.object({ show: z.enum(['emergency_numbers', 'summary', 'ticket', 'hotlines', 'status', 'languages']) }).strict()]);

/** `node`, `@flow` (its start) or `@flow/node`. */
const target = z.string().regex(/^(@[a-z][a-z0-9_]*(\/[a-z][a-z0-9_]*)?|[a-z][a-z0-9_]*)$/, 'a node id, @flow or @flow/node');

const branch = z.object({ when: z.unknown().optional(), goto: target }).strict();

export const nodeSchema = z
  .object({
    id,
    only_if: z.unknown().optional(),
    say: z.array(sayItem).default([]),
    ask: id.optional(),
    required: z.boolean().default(false),
    skip_if_answered: z.boolean().default(false),
    /** Answers to record when the node is passed (e.g. an age group derived from an age). */
    set: z.record(id, z.string()).default({}),
    do: z.array(z.enum(['create_ticket', 'withdraw_ticket'])).default([]),
    next: z.union([target, z.array(branch).min(1)]).optional(),
    end: z.boolean().default(false),
    /** Back to the question the danger path interrupted (when there is one); else `next`. */
    resume: z.boolean().default(false),
  })
  .strict();

export const flowFileSchema = z
  .object({
    id,
    start: id,
    keys: z.record(id, keyDefSchema).default({}),
    nodes: z.array(nodeSchema).min(1),
  })
  .strict();

export type RawNode = z.infer<typeof nodeSchema>;
export type RawFlow = z.infer<typeof flowFileSchema>;
