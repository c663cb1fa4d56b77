# Image of the twitch-pulse CLI and services (used by docker-compose.yml).
# The sources are TypeScript run through tsx at runtime, so there is no build step.
FROM node:20-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production

# Dependencies first, so source edits do not invalidate the npm layer.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY . .

USER node
ENTRYPOINT ["node", "bin/twitch-pulse.mjs"]
