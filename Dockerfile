# smtp2sms container image.
#
#   docker build -t smtp2sms .
#   docker run -d -p 2525:2525 -p 127.0.0.1:8025:8025 \
#     -v /etc/smtp2sms/config.yaml:/app/config/config.yaml:ro -e SMTP2SMS_CONFIG=/app/config/config.yaml \
#     -e REDIS_URL=redis://redis:6379 -v smtp2sms-var:/app/var smtp2sms
#
# The bundled config/default.yaml listens on 127.0.0.1 and expects Redis on the container's own
# loopback: fine for `docker run --network host` on a test machine, useless otherwise. Mount your
# own config (start from config/example.yaml) with at least
#   smtp.host: 0.0.0.0        so that senders outside the container can connect
#   smtp.clients: [...]       the networks those senders connect from
#   http.host: 0.0.0.0        for Prometheus and `docker inspect` health; keep http.port 8025,
#                             the HEALTHCHECK below calls 127.0.0.1:8025
# and point it at Redis (redis.url, or REDIS_URL / REDIS_URL_FILE). Passwords can come from
# files: SMTP2SMS_CARRIER_<NAME>_PASSWORD_FILE=/run/secrets/... (see docs/operations.md).

# --- build: compile TypeScript to dist/ ---------------------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the package's `prepare` script would compile before the sources are copied.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- runtime: production dependencies, dist/ and config/ only -----------------------------------
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY config ./config
# var/ holds the self-signed STARTTLS certificate (smtp.tls.dir) and outbox DSNs (bounces.outbox);
# mount a volume here to keep them across containers.
RUN mkdir -p /app/var && chown node:node /app/var
USER node

ENV SMTP2SMS_CONFIG=/app/config/default.yaml
# ENV REDIS_URL=redis://redis:6379
EXPOSE 2525 8025
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8025/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/cli.js", "start"]
