/**
 * Ours for the verification-CPU benchmark: per token, `TokenVerifier.check` (size/prefix, base64url, URL and query
 * checks, host allow-list, signed cluster-id header, date/expiry) plus what follows the STS reply — parsing the same
 * canned GetCallerIdentity JSON the Go side gets and deriving the identity. No network, no request building: our
 * STS request is built by `StsClient` only when it sends, which the Go side's canned RoundTripper short-cuts too.
 *
 * Usage: verify-cpu-ours TOKENS_FILE CLUSTER_ID ROUNDS MIN_MS — one JSON line per round: {"nsPerOp":N,"ops":N},
 * nsPerOp being CPU time (user + system) per verification.
 */
import { readFileSync } from 'node:fs';
import { parseCallerIdentity } from '../../authenticator/token/sts-reply';
import { identityFromSts } from '../../authenticator/token/identity-from-sts';
import { TokenVerifier } from '../../authenticator/token/verifier';
import { CANNED_STS_REPLY } from '../lib/canned-sts';

const [file, clusterId, roundsArg, minMsArg] = process.argv.slice(2);
const tokens = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
const verifier = new TokenVerifier({ clusterId, region: 'us-east-1' });

function verifyLocally(token: string): void {
  const parsed = verifier.check(token);
  identityFromSts(parseCallerIdentity(CANNED_STS_REPLY), parsed.accessKeyId, parsed.host);
}

for (const t of tokens) verifyLocally(t); // warm-up (JIT) and a correctness check: every token must pass
for (let r = 0; r < Number(roundsArg); r++) {
  let ops = 0;
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const minNs = BigInt(Number(minMsArg) * 1e6);
  while (process.hrtime.bigint() - start < minNs) {
    for (const t of tokens) verifyLocally(t);
    ops += tokens.length;
  }
  const cpu = process.cpuUsage(cpuStart);
  const ns = (cpu.user + cpu.system) * 1000; // CPU time (all threads, GC included), less sensitive than wall time to other load
  process.stdout.write(`${JSON.stringify({ nsPerOp: ns / ops, ops })}\n`);
}
verifier.close();
