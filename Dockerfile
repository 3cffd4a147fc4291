# syntax=docker/dockerfile:1
# Tessera's image: the package built and packed here, installed into a clean Node image where it
# runs as the unprivileged `node` user. A team's tessera.config.ts and supergraph go into
# /app/config (a mount, a ConfigMap or a derived image); docs/package.md#docker.

# Build: compile the engine and pack it (`npm pack` runs the build), as `npm publish` would.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.ts scripts/build.ts
COPY bin bin
COPY src src
RUN mkdir /pkg && npm pack --pack-destination /pkg

# Run: the tarball and its production dependencies, nothing of the repository.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    APOLLO_TELEMETRY_DISABLED=1 \
    HOST=0.0.0.0 \
    PORT=4000 \
    METRICS_HOST=0.0.0.0 \
    METRICS_PORT=9090 \
    DATA_DIR=/var/lib/tessera \
    TSX_DISABLE_CACHE=1
WORKDIR /app
COPY --from=build /pkg/ vendor/
# A package of its own: the config file imports `tessera-gateway` from here, and a derived image can
# `npm install` what its config needs beside it. ES modules, as tessera.config.ts is written.
RUN echo '{ "name": "tessera-image", "private": true, "type": "module" }' > package.json \
 && npm install --omit=dev --no-audit --no-fund ./vendor/tessera-*.tgz \
 && npm cache clean --force \
 && mkdir -p config "$DATA_DIR" \
 && chown node:node "$DATA_DIR"
USER node
EXPOSE 4000 9090
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/app/node_modules/.bin/tessera", "serve"]
CMD ["--config", "/app/config/tessera.config.ts", "--supergraph", "/app/config/supergraph.graphql"]
