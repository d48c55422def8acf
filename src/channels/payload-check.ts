/**
 * What webhooks share when checking platform payloads: how deep a body may nest, and how a schema
 * problem is written down (where, and what kind, never the value: it may be what a person wrote).
 */
import type { z } from 'zod';

/** Platform payloads nest a few levels; far deeper is an attack on the stack, not an event. */
export const MAX_PAYLOAD_DEPTH = 64;

/** True when `value` nests objects or arrays deeper than `max` (checked without recursion). */
export function nestsDeeperThan(value: unknown, max = MAX_PAYLOAD_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (depth > max) return true;
    if (v && typeof v === 'object') for (const child of Object.values(v)) if (child && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/** The problems of a failed parse as `path: code` (e.g. `message.text: invalid_type`). */
export function problemsOf(error: z.ZodError): string[] {
  return error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(event)'}: ${i.code === 'custom' ? i.message : i.code}`);
}

/** A platform event of a known type whose shape is wrong: recorded (without content) and skipped. */
export interface MalformedEvent {
  channel: string;
  eventId: string;
  type: string;
  problems: string[];
}
