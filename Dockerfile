# syntax=docker/dockerfile:1
#
# One image for every Marquee process; the command picks the role:
#   API (default)   node dist/api/main.js
#   worker          node dist/worker/main.js
#   migrations      node dist/db/cli.js migrate    (then: node dist/db/cli.js seed)
#
# Debian slim, not Alpine: the Temporal worker's native core-bridge and
# @swc/core (the worker bundles workflow code at start) ship glibc binaries.
# No secret is baked in: every setting comes from the environment at run time
# (see .env.example; docker-compose.yml passes them).

ARG NODE_VERSION=22

# ---------------------------------------------------------------- deps
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
# The Node image ships npm 10, which ignores package.json "allowScripts" and
# would run every dependency's install script; the project's npm 11 runs only
# the approved ones (esbuild, @swc/core, protobufjs) and skips the denied.
ARG NPM_VERSION=11.19.1
RUN npm install --global "npm@${NPM_VERSION}" && npm --version
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci

# ---------------------------------------------------------------- build
FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
# The folders tsconfig.build.json compiles (a unit test keeps the two lists equal).
COPY core ./core
COPY db ./db
COPY clients ./clients
COPY payments ./payments
COPY live ./live
COPY tickets ./tickets
COPY mail ./mail
COPY activities ./activities
COPY workflows ./workflows
COPY api ./api
COPY worker ./worker
# The web pages' sources; npm run build bundles them into web/dist (web/build.ts).
COPY web ./web
RUN npm run build \
 && npm prune --omit=dev
# @temporalio/core-bridge ships its native module for five platforms (~27 MB
# each); keep only the one this image runs on, as the package itself names it.
RUN keep="$(node -p "require('@temporalio/core-bridge/common.js').getPrebuiltTargetName()")" \
 && test -f "node_modules/@temporalio/core-bridge/releases/${keep}/index.node" \
 && find node_modules/@temporalio/core-bridge/releases -mindepth 1 -maxdepth 1 ! -name "${keep}" -exec rm -rf {} +

# ---------------------------------------------------------------- runtime
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    NPM_CONFIG_UPDATE_NOTIFIER=false
# package.json carries "type": "module" for the compiled ESM in dist/.
COPY package.json ./
COPY --from=build /app/node_modules ./node_modules
# dist/worker bundles dist/workflows at start; dist/api serves the built pages in ../../web/dist.
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
# Files stay root-owned and read-only to the process, which runs as the image's
# unprivileged `node` user, named by its numeric id so that runtimes (e.g.
# Kubernetes runAsNonRoot) can verify it is not root without reading /etc/passwd.
USER 1000:1000
# 3000: API (PORT). 9464: the worker's Prometheus metrics (WORKER_METRICS_PORT).
EXPOSE 3000 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/api/main.js"]
