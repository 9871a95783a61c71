# syntax=docker/dockerfile:1
# AFDP Notary Service image: Node 24 LTS on Debian bookworm-slim, non-root, read-only-root friendly.
#   docker build -t afdp/notary:dev .
#   docker run --read-only --tmpfs /tmp -v notary-data:/data -p 3030:3030 -p 50051:50051 \
#     -e NOTARY_AUTH_MODE=required -e NOTARY_ADMIN_TOKEN=<random> afdp/notary:dev
# With authentication off the service listens on 127.0.0.1 only (unreachable through -p): an open
# notary is never exposed by default. NOTARY_HOST=0.0.0.0 exposes one anyway, explicitly.

# ---- build: install every dependency (pkcs11js compiled), compile TypeScript, drop dev dependencies, add Pulsar ----
FROM node:24-bookworm-slim AS build
WORKDIR /app
ENV npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
# The Pulsar door's client, pinned. It is not in package-lock.json: its install script downloads a
# native library from archive.apache.org, which `npm ci` on a machine limited to the npm registry
# cannot reach. package.json's allowScripts approves that script for this version only (npm 11
# warns about unapproved dependency install scripts and refuses them with --strict-allow-scripts).
ARG PULSAR_CLIENT_VERSION=1.18.0
COPY package.json package-lock.json ./
# the typed client is a workspace of the lock file (the CLI's sign uses it): npm ci needs its manifest
COPY packages/client/package.json ./packages/client/
COPY scripts ./scripts
# HSM signing over PKCS#11: the optional pkcs11js binding is a native addon that npm ci compiles with
# node-gyp, against the headers of this image's Node (/usr/local/include/node). The build fails here,
# rather than ship an image whose NOTARY_PKCS11_MODULE fails at start, if it cannot load. The vendor's
# PKCS#11 module is not in the image: mount it or derive an image that installs it, and point
# NOTARY_PKCS11_MODULE at it (README, "HSM signing over PKCS#11"), e.g. /usr/lib/softhsm/libsofthsm2.so,
# /opt/cloudhsm/lib/libcloudhsm_pkcs11.so, /usr/safenet/lunaclient/lib/libCryptoki2_64.so.
ENV npm_config_nodedir=/usr/local
RUN apt-get update \
 && apt-get install -y --no-install-recommends g++ make python3 \
 && rm -rf /var/lib/apt/lists/*
# Dependencies' install scripts run (@embedded-postgres links its binaries' libraries, pkcs11js
# compiles); the project's prepare script finds no src/ yet and leaves the compile to the build below.
RUN --mount=type=cache,target=/root/.npm npm ci \
 && node -e "require('pkcs11js'); console.log('pkcs11js', require('pkcs11js/package.json').version, 'loads')"
# The rest of the context: .dockerignore keeps it to tsconfig*.json, scripts/, src/, console/, proto/,
# migrations/ and packages/client (its sources). `npm run build` compiles the client, then src/, and
# builds the console (console/ → dist/console, served at /console).
COPY . .
RUN mkdir -p proto migrations \
 && npm run build \
 && npm prune --omit=dev
# After the prune, which would remove a package the lock file does not list. The build fails here,
# rather than ship an image whose PULSAR_SERVICE_URL fails at start, if the library cannot load.
RUN --mount=type=cache,target=/root/.npm npm install --no-save --omit=dev "pulsar-client@${PULSAR_CLIENT_VERSION}" \
 && node -e "require('pulsar-client'); console.log('pulsar-client', require('pulsar-client/package.json').version, 'loads')"

# ---- runtime: only what `node dist/main.js` needs (pulsar-client and pkcs11js included, in node_modules) ----
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    NOTARY_DATA_DIR=/data \
    NOTARY_HTTP_PORT=3030 \
    NOTARY_GRPC_PORT=50051
WORKDIR /app
# The app's files stay owned by root and read-only for the service user; only /data and /tmp are
# written (mount a volume on /data and a tmpfs/emptyDir on /tmp with a read-only root FS).
RUN mkdir -p /data \
 && chown 1000:1000 /data \
 && chmod 0750 /data
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
# node_modules/@afdp-notary/client links here: `afdp-notary sign` in the image needs it
COPY --from=build /app/packages/client/package.json ./packages/client/package.json
COPY --from=build /app/packages/client/dist ./packages/client/dist
COPY --from=build /app/dist ./dist
COPY --from=build /app/proto ./proto
COPY --from=build /app/migrations ./migrations
VOLUME ["/data"]
EXPOSE 3030 50051
# uid/gid 1000 is the image's `node` user; numeric so Kubernetes runAsNonRoot can verify it.
USER 1000:1000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.NOTARY_HTTP_PORT||3030)+'/health',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]
