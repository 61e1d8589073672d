# storyloom in a container: the bot built to plain JavaScript, run by node as an unprivileged user.
#
#   docker build -t storyloom .            (podman: add --format docker, or the HEALTHCHECK is dropped)
#   docker run -d --env-file .env -v storyloom-data:/data -p 127.0.0.1:8787:8787 -p 127.0.0.1:9464:9464 storyloom
#
# or `docker compose up -d` (compose.yaml). Settings come from the environment (docs/configuration.md); the
# mailbox, stories and state live in the volume at /data.

# The base: an official Node image (Debian with node, npm and an unprivileged user `node`, uid 1000).
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Dependencies first, so this layer is reused until package.json or the lockfile changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.ts scripts/
COPY commands commands
COPY colab/models colab/models
COPY src src
# dist/: the JavaScript, the playground's page and the shipped models; then the dev dependencies go.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
WORKDIR /app
# The playground and the ops endpoints listen on every interface of the container: publishing a port is what
# exposes one (compose.yaml publishes both to 127.0.0.1 only). Health: /health/live, /health/ready; /metrics.
ENV NODE_ENV=production \
    STORYLOOM_DATA_DIR=/data \
    PLAYGROUND_HOST=0.0.0.0 \
    PLAYGROUND_PORT=8787 \
    OPS_HOST=0.0.0.0 \
    OPS_PORT=9464
# The code belongs to root, read-only to the bot; only /data is the bot's own.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
RUN mkdir -p /data && chown node:node /data
USER node
# Declared after the chown: a new named volume starts as a copy of /data, owned by `node`.
VOLUME /data
EXPOSE 8787 9464
# Ready: the bot answers on OPS_PORT that it serves. node's own fetch, so the image needs no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.OPS_PORT}/health/ready`, { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself is PID 1: it stops on SIGTERM (docker stop), stopping its embedded worker first.
CMD ["node", "--enable-source-maps", "dist/src/main.js"]
