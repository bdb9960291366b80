# syntax=docker/dockerfile:1
# Parley: multi-stage build. The build stage compiles native addons
# (better-sqlite3) and the TypeScript (src/ and the test-model generators in
# scripts/, which `models pull tiny` and the on-demand tiny profile run); the
# runtime stage carries only what `parley serve` needs. Models and data live
# on volumes, never in the image. test/unit/deploy/dockerfile.test.ts checks
# this file: every path the runtime reads is copied, and the exposed ports are
# the ones the configuration below listens on.

FROM node:20-bookworm AS build
WORKDIR /app
# `npm ci` runs the `prepare` script (tsc + assets), so the sources must be in place first.
COPY package.json package-lock.json .npmrc tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
COPY models ./models
COPY bin ./bin
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
# ffmpeg: voicemails in formats other than WAV; tini: signals reach node (graceful SIGTERM).
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
# dist/src: the server; dist/scripts: the test-model generators (tiny profile).
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
# models/catalog.json: the built-in catalog (weights go to the models volume).
COPY --from=build /app/models ./models
COPY --from=build /app/package.json ./package.json
# The shipped agents: `agents.dir` defaults to ./agents, and WORKDIR is /app. Without them a container
# starts with no agent at all (and /readyz stays 503). Mount your own over /app/agents, or set agents.dir.
COPY agents ./agents

# Non-root user; data (database, recordings) and models on volumes.
RUN groupadd --system parley && useradd --system --gid parley --home /var/lib/parley parley \
 && mkdir -p /var/lib/parley/models && chown -R parley:parley /var/lib/parley
USER parley
# Every listener on all interfaces: inside a container, loopback is unreachable from the published ports.
# The ports are the configuration's defaults (HTTP 8080, SIP 5080, RTP 20000-20999), so EXPOSE below matches
# what Parley opens; change both together.
ENV PARLEY_DATA_DIR=/var/lib/parley \
    PARLEY_MODELS__DIR=/var/lib/parley/models \
    PARLEY_HTTP__HOST=0.0.0.0 \
    PARLEY_HTTP__PORT=8080 \
    PARLEY_SIP__LISTEN__HOST=0.0.0.0 \
    PARLEY_SIP__LISTEN__PORT=5080 \
    PARLEY_RTP__BIND_HOST=0.0.0.0 \
    PARLEY_RTP__PORTS__MIN=20000 \
    PARLEY_RTP__PORTS__MAX=20999
VOLUME ["/var/lib/parley", "/var/lib/parley/models"]
# HTTP API and console; SIP (embedded driver) on UDP and TCP; RTP, one even port per call.
EXPOSE 8080/tcp 5080/udp 5080/tcp 20000-20999/udp

HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:8080/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"

ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/parley.js"]
CMD ["serve"]
