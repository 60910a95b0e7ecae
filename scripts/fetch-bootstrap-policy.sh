#!/usr/bin/env bash
# Reproduces lib/data/bootstrap-policy.json: the default RBAC objects of a pinned Kubernetes release.
# They come from the k8s.io/kubernetes Go module (fetched through the Go module proxy), directory
# plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/, i.e. the golden files upstream's policy_test.go compares
# bootstrappolicy.*() against. Nothing is hand-written: the YAML `List`s are only converted to JSON.
# Usage: scripts/fetch-bootstrap-policy.sh [VERSION]   (default: the pinned version below; needs `go` and `node`)
set -euo pipefail
VERSION="${1:-v1.33.13}"
cd "$(dirname "$0")/.."
command -v go >/dev/null || { echo "go is required (apt-get install golang-go, or https://go.dev/dl)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dir="$(cd "$work" && GOFLAGS=-modcacherw go mod download -json "k8s.io/kubernetes@${VERSION}" | node -e \
  'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);if(j.Error)throw new Error(j.Error);console.log(j.Dir)})')"
TESTDATA="plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata"
node - "$dir/$TESTDATA" "$VERSION" "$TESTDATA" > lib/data/bootstrap-policy.json <<'JS'
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const [dir, version, rel] = process.argv.slice(2);
const files = {
  clusterRoles: 'cluster-roles.yaml',
  clusterRoleBindings: 'cluster-role-bindings.yaml',
  controllerRoles: 'controller-roles.yaml',
  controllerRoleBindings: 'controller-role-bindings.yaml',
  namespaceRoles: 'namespace-roles.yaml',
  namespaceRoleBindings: 'namespace-role-bindings.yaml',
};
const out = { source: { module: 'k8s.io/kubernetes', version, path: rel, files: Object.values(files), license: 'Apache-2.0' } };
for (const [key, file] of Object.entries(files)) {
  out[key] = YAML.parse(fs.readFileSync(path.join(dir, file), 'utf8')).items;
}
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
JS
echo "wrote lib/data/bootstrap-policy.json from k8s.io/kubernetes@${VERSION}/${TESTDATA}" >&2
