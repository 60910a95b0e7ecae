#!/usr/bin/env bash
# Builds the Go peers the end-to-end tests run against, from the Go module proxy with the ordinary `go` client:
#   kube-apiserver, kube-controller-manager (k8s.io/kubernetes, through a wrapper module pinning every staging module)
#   aws-iam-authenticator (the upstream Go implementation, used as a differential peer)
# Binaries are cached under ${XDG_CACHE_HOME:-$HOME/.cache}/cdk-eks-access/bin/<name>-<version>, so a second run only
# checks that the files exist. Nothing here is committed; GOMODCACHE/GOCACHE stay at their default locations.
#
# Output (stdout): one `name=/absolute/path` line per binary; build logs go to stderr.
# Environment: E2E_K8S_VERSION (default below), E2E_IAM_AUTHENTICATOR_VERSION, XDG_CACHE_HOME.
set -euo pipefail

K8S_VERSION="${E2E_K8S_VERSION:-v1.33.13}"
# v0.7.10: `go install` works as is (v0.7.11 is withheld by the module proxy; v0.7.12+ carry a `replace` directive).
IAM_AUTH_VERSION="${E2E_IAM_AUTHENTICATOR_VERSION:-v0.7.10}"
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/cdk-eks-access"
BIN_DIR="$CACHE_ROOT/bin"
WORK_DIR="$CACHE_ROOT/work"

# k8s.io/kubernetes v1.33 declares `go 1.24.0`; aws-iam-authenticator v0.7.10 needs no newer.
GO_MIN_MINOR=24
go_missing() {
  echo "e2e setup: $1" >&2
  echo "Install Go >= 1.$GO_MIN_MINOR from https://go.dev/dl/ (distribution packages are often older) and put 'go' on PATH." >&2
  exit 3
}
command -v go >/dev/null 2>&1 || go_missing "the Go toolchain is required to build kube-apiserver and aws-iam-authenticator."
go_version="$(go env GOVERSION)"
go_minor="$(sed -E 's/^go1\.([0-9]+).*/\1/' <<<"$go_version")"
[[ "$go_minor" =~ ^[0-9]+$ && "$go_minor" -ge $GO_MIN_MINOR ]] || go_missing "$go_version is too old."

mkdir -p "$BIN_DIR" "$WORK_DIR"
# One build at a time per machine (benchmarks and e2e may ask concurrently).
exec 9>"$CACHE_ROOT/build.lock"
flock 9

export CGO_ENABLED=0
BUILD_FLAGS=(-trimpath)

log() { echo "e2e setup: $*" >&2; }

build_iam_authenticator() {
  local out="$BIN_DIR/aws-iam-authenticator-$IAM_AUTH_VERSION"
  if [[ -x "$out" ]]; then echo "aws-iam-authenticator=$out"; return; fi
  log "building aws-iam-authenticator $IAM_AUTH_VERSION"
  local start=$SECONDS gobin
  gobin="$(mktemp -d "$WORK_DIR/gobin.XXXXXX")"
  GOBIN="$gobin" nice -n 10 go install "${BUILD_FLAGS[@]}" \
    -ldflags "-s -w -X sigs.k8s.io/aws-iam-authenticator/pkg.Version=${IAM_AUTH_VERSION#v}" \
    "sigs.k8s.io/aws-iam-authenticator/cmd/aws-iam-authenticator@$IAM_AUTH_VERSION" >&2
  mv "$gobin/aws-iam-authenticator" "$out"
  rmdir "$gobin"
  log "aws-iam-authenticator built in $((SECONDS - start)) s"
  echo "aws-iam-authenticator=$out"
}

# Writes the wrapper module's go.mod: k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with
# ./staging/... paths, which a consumer cannot see; each one is replaced with its published v0.<minor>.<patch> tag.
write_kube_wrapper() {
  local dir="$1" gomod staging_version
  staging_version="v0.${K8S_VERSION#v1.}"
  gomod="$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')"
  [[ -f "$gomod" ]] || { log "could not download k8s.io/kubernetes@$K8S_VERSION"; exit 1; }
  {
    echo "module cdk-eks-access.test/kube-apiserver-wrapper"
    echo
    echo "go $(go env GOVERSION | sed 's/^go//')"
    grep -E '^godebug ' "$gomod" || true
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    grep -oE 'k8s\.io/[A-Za-z0-9._/-]+ => \./staging/src/k8s\.io/[A-Za-z0-9._/-]+' "$gomod" \
      | awk -v v="$staging_version" '{ print "replace " $1 " => " $1 " " v }'
  } >"$dir/go.mod"
}

# Builds one command of k8s.io/kubernetes (kube-apiserver, kube-controller-manager) inside the shared wrapper module.
build_kube_command() {
  local name="$1" out="$BIN_DIR/$1-$K8S_VERSION"
  if [[ -x "$out" ]]; then echo "$name=$out"; return; fi
  log "building $name $K8S_VERSION (cold: minutes on 2 cores)"
  local start=$SECONDS dir="$WORK_DIR/kubernetes-$K8S_VERSION" minor
  mkdir -p "$dir"
  [[ -f "$dir/go.mod" ]] || write_kube_wrapper "$dir"
  minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
  (
    cd "$dir"
    go get "k8s.io/kubernetes/cmd/$name@$K8S_VERSION" >&2
    local ldflags="-s -w"
    for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
    done
    nice -n 10 go build "${BUILD_FLAGS[@]}" -ldflags "$ldflags" -o "$out.tmp" "k8s.io/kubernetes/cmd/$name" >&2
  )
  mv "$out.tmp" "$out"
  log "$name built in $((SECONDS - start)) s"
  echo "$name=$out"
}

build_iam_authenticator
build_kube_command kube-apiserver
# Only its clusterrole-aggregation controller runs: without it the built-in admin/edit/view roles stay empty.
build_kube_command kube-controller-manager
