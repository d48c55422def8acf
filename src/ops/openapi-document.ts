/**
 * The staff API's OpenAPI document, built on its first request rather than at start-up:
 * @fastify/swagger and what it loads (a YAML library, a JSON-schema resolver) were a tenth of
 * start-up, and only an integrator reading `/api/openapi.json` needs them (issue 12).
 *
 * The server notes each documented route (one with tags) as it is added; the first request builds
 * the document with @fastify/swagger on a Fastify instance of its own that has those same routes
 * (their schemas and compilers, no handlers), so the document is the one the plugin made before.
 */
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';

/** The description's header, as the plugin takes it. */
const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'Tangrod staff and integration API',
    version: '1',
    description: 'Tickets for hotline staff and agencies\' case-management systems. Create a token with `npm run cli -- token create --agency <id|all>`.',
  },
  components: { securitySchemes: { bearer: { type: 'http' as const, scheme: 'bearer', description: 'an API token (tgr_...)' } } },
};

/**
 * Notes the documented routes added to `app` from now on (call it before the routes are added) and
 * returns the function that builds, once, the document of them.
 */
export function openApiDocument(app: FastifyInstance): () => Promise<unknown> {
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    // Only routes that carry a tag (the staff API) are described; HEAD routes are made again below.
    if (route.schema?.tags && route.method !== 'HEAD') routes.push({ ...route });
  });
  let built: Promise<unknown> | undefined;
  return () =>
    (built ??= build(routes).catch((err: unknown) => {
      built = undefined;
      throw err;
    }));
}

async function build(routes: RouteOptions[]): Promise<unknown> {
  const [{ default: swagger }, { jsonSchemaTransform, jsonSchemaTransformObject }] = await Promise.all([import('@fastify/swagger'), import('fastify-type-provider-zod')]);
  const describer = Fastify({ logger: false });
  try {
    await describer.register(swagger, {
      openapi: OPENAPI,
      hideUntagged: true,
      transform: jsonSchemaTransform,
      // Puts the named schemas (Ticket, Problem) under components, where the routes' $refs point.
      transformObject: jsonSchemaTransformObject,
    });
    for (const r of routes) {
      describer.route({
        method: r.method,
        url: r.url,
        ...(r.schema ? { schema: r.schema } : {}),
        ...(r.validatorCompiler ? { validatorCompiler: r.validatorCompiler } : {}),
        ...(r.serializerCompiler ? { serializerCompiler: r.serializerCompiler } : {}),
        handler: async () => ({}),
      });
    }
    await describer.ready();
    return describer.swagger();
  } finally {
    await describer.close();
  }
}
