# syntax=docker/dockerfile:1
# The service image: built and tested sources in one stage, production dependencies in
# another, and a runtime stage with only those and the compiled dist/. Built for one architecture at a time,
# the one Terraform's cpu_architecture gives the task (CI builds natively on a runner of that architecture):
#   docker buildx build --platform linux/arm64 -t picus-app .
# scripts/image-test.sh builds and runs it with podman on a machine with no Docker Hub access.
# Dependabot keeps the base image tag current: it is written out in each FROM (Dependabot does not update a tag behind
# an ARG, dependabot/dependabot-core#2057), the same Node.js as .nvmrc (a unit test holds them together).

FROM node:24.22.3-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json codegen.yml ./
COPY schema ./schema
COPY openapi ./openapi
COPY types ./types
COPY scripts ./scripts
COPY app ./app
COPY lambda ./lambda
# Regenerate the resolver types (CI fails when the committed ones drift), then compile. (npm run generate also writes
# the ALB's listener rules, which the image does not hold.)
RUN npm run generate:types && npm run build

FROM node:24.22.3-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:24.22.3-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=8000
WORKDIR /app
# No package manager is needed at run time; removing npm, corepack and the base image's yarn 1 (/opt/yarn-v*)
# removes them and their dependencies from image scans too.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
    /opt/yarn-v* /usr/local/bin/yarn /usr/local/bin/yarnpkg
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist/app ./dist/app
COPY --from=build --chown=node:node /app/dist/schema ./dist/schema
COPY --from=build --chown=node:node /app/dist/openapi ./dist/openapi
COPY --chown=node:node package.json ./
USER node
EXPOSE 8000
# No curl in the image: node asks /health itself. (ECS uses the task definition's equivalent check.)
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "require('http').get('http://127.0.0.1:'+(process.env.PORT||8000)+'/health',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"]
CMD ["node", "dist/app/main.js"]
