# The eks-access TokenReview webhook as a container (lib/k8s AuthenticatorChart runs it with
# `serve --config /etc/eks-access/config.yaml`).
#   docker build -t eks-access:0.1.0 .
# Stage 1 bundles the CLI into one file with esbuild (scripts/bundle-server.ts); stage 2 is a distroless Node.js 22
# image (no shell, no package manager) running that file as UID 65532, which works with a read-only root filesystem.
# test/k8s/container-bundle.test.ts builds the same bundle and checks that it starts and answers a TokenReview.

FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY authenticator ./authenticator
COPY lib ./lib
COPY bin ./bin
COPY scripts ./scripts
RUN npx ts-node --transpile-only scripts/bundle-server.ts /out \
 && node /out/eks-access.js --help

FROM gcr.io/distroless/nodejs22-debian12:nonroot
LABEL org.opencontainers.image.title="eks-access" \
      org.opencontainers.image.description="IAM TokenReview webhook for Kubernetes on AWS (cdk-eks-access)" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /out/eks-access.js /app/eks-access.js
COPY NOTICE /app/NOTICE
USER 65532:65532
ENV NODE_ENV=production
EXPOSE 21362
ENTRYPOINT ["/nodejs/bin/node", "/app/eks-access.js"]
CMD ["serve", "--config", "/etc/eks-access/config.yaml"]
