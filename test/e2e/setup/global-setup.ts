import { e2eBinaries } from '../../../harness/binaries';

/**
 * Jest globalSetup: builds the Go peers once before any test file runs, outside the per-test timeout (a cold build
 * takes many minutes on 2 cores; a warm one, seconds). Fails the whole run if a prerequisite is missing.
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const bins = e2eBinaries();
  process.stderr.write(`\ne2e peers ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(bins)}\n`);
}
