/**
 * Preload (`node -r dist/bench/lib/require-timer.js …`): times every require() of a package or project module at
 * the top of the require tree (inclusive of what it loads) and writes the list as JSON to the file named by
 * BENCH_REQUIRE_TIMES at exit, so a benchmark can say which modules its start-up time goes to.
 */
import { writeFileSync } from 'node:fs';
import Module from 'node:module';

const out = process.env.BENCH_REQUIRE_TIMES;
const times: Array<{ module: string; ms: number }> = [];
const internals = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const load = internals._load;
let depth = 0;
internals._load = function timedLoad(request: string, ...rest: unknown[]) {
  const start = process.hrtime.bigint();
  depth++;
  try {
    return load.call(this, request, ...rest);
  } finally {
    depth--;
    // Depth 1 = required by the CLI entry; depth 2 = what bin/commands/token.ts pulls in.
    if (depth <= 3 && !request.startsWith('node:')) times.push({ module: request, ms: Number(process.hrtime.bigint() - start) / 1e6 });
  }
};
if (out) process.on('exit', () => writeFileSync(out, JSON.stringify(times)));
