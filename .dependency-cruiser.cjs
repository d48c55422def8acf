/**
 * The architecture as checks (`npm run lint:deps`, part of `npm test`): no import cycles, the flow
 * engine knows no SDK and does no I/O, platform SDKs only in their channel adapter, routes do not
 * import the store.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles knot features together; move the shared piece into a module of its own.',
      from: { path: '^(src|test|bench)/' },
      to: { circular: true },
    },
    {
      name: 'sdk-only-in-its-adapter',
      severity: 'error',
      comment: 'Platform SDKs are imported only by their channel adapter (src/channels/line, src/channels/telegram).',
      from: { path: '^src/', pathNot: '^src/channels/(line|telegram)/' },
      to: { path: 'node_modules/(@line/bot-sdk|grammy)/' },
    },
    {
      name: 'flow-engine-is-pure',
      severity: 'error',
      comment: 'The flow engine (src/flow, but for the file loader) does no I/O and knows no channel, store or SDK.',
      from: { path: '^src/flow/', pathNot: '^src/flow/load\\.ts$' },
      to: { path: ['^src/(channels|store|conversation|dashboard|api|delivery|alerts|tickets)/', 'node_modules/', '^(node:)?(fs|net|http|https|child_process)$'] , pathNot: 'node_modules/zod/' },
    },
    {
      name: 'routes-call-services',
      severity: 'error',
      comment:
        'Route handlers call services (src/tickets, src/staff, src/access, src/audit...), never the store, so the bot, the API and the dashboard share one rule per action. Type-only imports of records are allowed.',
      from: { path: ['^src/dashboard/[^/]+-routes\\.ts$', '^src/api/[^/]+-routes\\.ts$', '^src/channels/simulator/[^/]*routes\\.ts$', '^src/llm/[^/]+-routes\\.ts$'] },
      to: { path: '^src/store/', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
