# syntax=docker/dockerfile:1
# Production image: build with dev dependencies, run with production dependencies only.
# In production DATABASE_URL points at a managed PostgreSQL; the embedded one is for local use.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    LOG_FORMAT=json
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# The dashboard is served from its source folder (plain ES modules, no build step).
COPY --from=build --chown=node:node /app/src/dashboard/public ./src/dashboard/public
COPY --chown=node:node package.json ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# SIGTERM drains HTTP and sockets and persists actor state; live streams are never ended by it.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
