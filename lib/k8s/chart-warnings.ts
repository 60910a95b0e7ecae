/**
 * Synth-time warnings of the cdk8s charts. cdk8s has no counterpart of aws-cdk-lib's `Annotations` (and lib/k8s loads
 * no aws-cdk-lib), so a warning is both recorded on the construct (metadata `cdk-eks-access:warning`, for programs)
 * and emitted as a Node process warning whose `code` is the warning id, which Node prints on stderr during
 * `cdk8s synth` / `cdk synth` (https://nodejs.org/api/process.html#processemitwarningwarning-options). The text starts
 * with the construct path, as every error of this library does.
 */
import type { IConstruct } from 'constructs';

/** Metadata type of a chart warning on its construct. */
export const CHART_WARNING_METADATA = 'cdk-eks-access:warning';

/** Warns about `scope`: `<path>: <message>`, with the warning id as the Node warning code. */
export function warnAt(scope: IConstruct, id: string, message: string): void {
  const text = `${scope.node.path}: ${message}`;
  scope.node.addMetadata(CHART_WARNING_METADATA, { id, message: text });
  process.emitWarning(text, { code: id });
}
