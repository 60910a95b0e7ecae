/**
 * cdk8s and cdk8s-plus-28 are optional peer dependencies (package.json `peerDependenciesMeta`), so npm does not
 * install them on its own; the package root exports the charts of this folder, which extend cdk8s classes when they
 * load. Without the peers, say so once, by name, with the command — not Node's "Cannot find module 'cdk8s'" from a
 * file deep inside dist/. Imported first by lib/k8s/index.ts.
 */
const CDK8S_PEERS = ['cdk8s', 'cdk8s-plus-28'];
const CDK8S_PEER_RULE = 'eks-access:cdk8s-peer-missing';

const missing = CDK8S_PEERS.filter((name) => {
  try {
    require.resolve(name);
    return false;
  } catch {
    return true;
  }
});
if (missing.length > 0) {
  throw new Error(`cdk-eks-access: the cdk8s charts it exports (AccessChart, RbacChart, AuthenticatorChart, ...) need the peer `
    + `dependencies ${missing.join(' and ')}, not installed here: npm install ${missing.join(' ')} `
    + `(Python: pip install ${missing.join(' ')}) [${CDK8S_PEER_RULE}]`);
}
