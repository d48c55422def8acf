# Tangrod in a container: see docs/operations.md ("Docker").
#
#   docker build -t tangrod .
#   docker run -d --name tangrod -p 127.0.0.1:3000:3000 -v tangrod-data:/data --env-file tangrod.env tangrod
#
# test/packaging.test.ts runs the same install and start steps in a clean folder (these machines
# have no container engine): keep the COPY lines, the npm ci line and CMD in step with it.

# --- Stage 1: the production dependencies only (no tsx, no vitest). ---
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# better-sqlite3-multiple-ciphers ships prebuilt binaries inside its npm package for glibc x64 and arm64, so no compiler is needed here.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- Stage 2: what runs. ---
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    SIMULATOR=off \
    # Docker's default stop timeout is 10 s before SIGKILL: finish draining well within it.
    SHUTDOWN_TIMEOUT_MS=8000 \
    # One malloc arena for every thread, as `npm start` sets it: what a burst leaves behind is
    # handed back instead of staying in per-thread arenas (decision 0046).
    MALLOC_ARENA_MAX=1
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY src ./src
COPY flows ./flows
COPY locales ./locales
COPY public ./public
# The database and stored files live in the volume, owned by the unprivileged "node" user of the
# base image; the code stays root-owned and read-only to the service.
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "src/main.mjs"]
