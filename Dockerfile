# syntax=docker/dockerfile:1
# Parley: multi-stage build. The build stage compiles native addons
# (better-sqlite3) and the TypeScript; the runtime stage carries only what
# `parley serve` needs. Models and data live on volumes, never in the image.

FROM node:20-bookworm AS build
WORKDIR /app
# `npm ci` runs the `prepare` script (tsc), so the sources must be in place first.
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
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/models ./models
COPY --from=build /app/package.json ./package.json

# Non-root user; data (database, recordings) and models on volumes.
RUN groupadd --system parley && useradd --system --gid parley --home /var/lib/parley parley \
 && mkdir -p /var/lib/parley/models && chown -R parley:parley /var/lib/parley
USER parley
ENV PARLEY_DATA_DIR=/var/lib/parley \
    PARLEY_MODELS__DIR=/var/lib/parley/models \
    PARLEY_HTTP__HOST=0.0.0.0 \
    PARLEY_HTTP__PORT=8080
VOLUME ["/var/lib/parley", "/var/lib/parley/models"]
EXPOSE 8080 5060/udp 5060/tcp

HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:8080/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"

ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/parley.js"]
CMD ["serve"]
