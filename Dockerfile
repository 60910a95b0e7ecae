# The eks-access TokenReview webhook as a container (lib/k8s AuthenticatorChart runs it with
# `serve --config /etc/eks-access/config.yaml`).
#   docker build -t eks-access:0.1.0 --build-arg REVISION=$(git rev-parse HEAD) .
# Stage 1 bundles the CLI into one file with esbuild (scripts/bundle-server.ts), the package version baked in (the image
# holds no package.json: `eks-access --version` and the build_info metric read the baked one); stage 2 is a distroless
# Node.js 22 image (no shell, no package manager) running that file as UID 65532, which works with a read-only root
# filesystem. test/k8s/container-bundle.test.ts builds the same bundle and checks that it starts and answers a
# TokenReview; test/package/container-image.test.ts checks the version, LICENSE and labels.
#
# Base images: tags, not digests. No registry was reachable where this file was last changed, so no digest could be
# verified; pin each FROM as `<image>:<tag>@sha256:<digest>` from `docker buildx imagetools inspect <image>:<tag>`
# on a machine that reaches the registry (docs/releasing.md, "The container image").

# VERSION must be package.json's version (npm run release -- prepare updates it; the build stage checks it).
ARG VERSION=0.1.0
ARG REVISION=unknown

FROM node:22-bookworm-slim AS build
ARG VERSION
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY authenticator ./authenticator
COPY lib ./lib
COPY bin ./bin
COPY scripts ./scripts
RUN npx ts-node --transpile-only scripts/bundle-server.ts /out \
 && node /out/eks-access.js --help >/dev/null \
 && test "$(node /out/eks-access.js --version)" = "$VERSION"

FROM gcr.io/distroless/nodejs22-debian12:nonroot
ARG VERSION
ARG REVISION
# OCI image annotations: https://github.com/opencontainers/image-spec/blob/main/annotations.md
LABEL org.opencontainers.image.title="eks-access" \
      org.opencontainers.image.description="IAM TokenReview webhook for Kubernetes on AWS (cdk-eks-access)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="https://github.com/cdk-eks-access/cdk-eks-access" \
      org.opencontainers.image.url="https://github.com/cdk-eks-access/cdk-eks-access#readme" \
      org.opencontainers.image.documentation="https://github.com/cdk-eks-access/cdk-eks-access#readme" \
      org.opencontainers.image.vendor="cdk-eks-access contributors" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="gcr.io/distroless/nodejs22-debian12:nonroot"
COPY --from=build /out/eks-access.js /app/eks-access.js
COPY LICENSE NOTICE /app/
USER 65532:65532
ENV NODE_ENV=production
EXPOSE 21362
# The server's node flags: authenticator/server/node-flags.ts (test/k8s/container-bundle.test.ts checks they agree).
ENTRYPOINT ["/nodejs/bin/node", "--v8-pool-size=1", "--max-semi-space-size=16", "/app/eks-access.js"]
CMD ["serve", "--config", "/etc/eks-access/config.yaml"]
