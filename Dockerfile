# syntax=docker/dockerfile:1
# One image for every Coldtrace process; docker-compose.yml picks the program with `command`:
#   node --max-semi-space-size=32 gateway/dist/main.js gateway (HTTP API + dashboard, MQTT ingest; flags: node-flags.ts)
#   node edge-agent/dist/main.js --config FILE         edge agent
#   node simulators/dist/main.js <device> [options]    device simulators

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: install everything, compile every workspace, then drop dev dependencies -------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Native modules (better-sqlite3, @serialport/bindings-cpp) normally use prebuilt binaries; the toolchain is the
# fallback when none matches this platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

# Manifests first: the dependency layer is rebuilt only when a package.json or the lock file changes.
COPY package.json package-lock.json ./
COPY contract/package.json contract/
COPY gateway/package.json gateway/
COPY edge-agent/package.json edge-agent/
COPY simulators/package.json simulators/
COPY dashboards/package.json dashboards/
RUN npm ci --no-audit --no-fund

COPY tsconfig.base.json tsconfig.json ./
COPY contract contract
COPY gateway gateway
COPY edge-agent edge-agent
COPY simulators simulators
COPY dashboards dashboards
# Projects are named explicitly so the image does not depend on the root tsconfig's reference list; the dashboard's
# static files are copied next to its compiled modules (tsc emits only .js).
RUN npx tsc -b contract gateway edge-agent simulators dashboards \
 && node dashboards/scripts/copy-assets.mjs \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: compiled output and production dependencies only -----------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Workspace packages are symlinked from node_modules/@coldtrace/*; COPY keeps the links, and each package.json is
# needed for its "exports" map.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/contract/package.json contract/
COPY --from=build /app/contract/dist contract/dist
COPY --from=build /app/gateway/package.json gateway/
COPY --from=build /app/gateway/dist gateway/dist
COPY --from=build /app/edge-agent/package.json edge-agent/
COPY --from=build /app/edge-agent/dist edge-agent/dist
COPY --from=build /app/simulators/package.json simulators/
COPY --from=build /app/simulators/dist simulators/dist
COPY --from=build /app/dashboards/package.json dashboards/
COPY --from=build /app/dashboards/web/dist dashboards/web/dist
# Data directories exist in the image, owned by the runtime user, so named volumes mounted there start writable.
RUN mkdir -p /var/lib/coldtrace /var/lib/coldtrace-agent /mosquitto-auth /run/coldtrace-secrets \
 && chown node:node /var/lib/coldtrace /var/lib/coldtrace-agent /mosquitto-auth /run/coldtrace-secrets
USER node
# Each service sets its own command; without one the image runs the gateway.
CMD ["node", "gateway/dist/main.js"]
