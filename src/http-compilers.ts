/**
 * Fastify's JSON-schema compilers (Ajv for validation, fast-json-stringify for responses), loaded
 * the first time a route needs one. Every route here validates with zod through its own compilers
 * (src/api/ticket-schemas.ts), so a server normally never loads them; Fastify itself would load
 * both when the app is made, a tenth of start-up (issue 12).
 *
 * They are the compilers Fastify would have used, resolved from Fastify's own folder, with the same
 * options. One difference only matters to a route with a JSON schema for its headers: Fastify then
 * leaves that schema's property names as written instead of lower-casing them (as it does for any
 * custom compiler), so give header schemas in lower case.
 */
import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

type Factory = (externalSchemas: unknown, options: unknown) => unknown;

/** Fastify's `schemaController` option with the compilers loaded on first use. */
export function lazySchemaCompilers(): NonNullable<FastifyServerOptions['schemaController']> {
  const fromFastify = createRequire(import.meta.resolve('fastify'));
  let validator: Factory | undefined;
  let serializer: Factory | undefined;
  return {
    compilersFactory: {
      buildValidator: ((externalSchemas: unknown, options: unknown) => (validator ??= (fromFastify('@fastify/ajv-compiler') as () => Factory)())(externalSchemas, options)) as never,
      buildSerializer: ((externalSchemas: unknown, options: unknown) => (serializer ??= (fromFastify('@fastify/fast-json-stringify-compiler') as () => Factory)())(externalSchemas, options)) as never,
    },
  };
}
