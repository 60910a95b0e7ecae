import { BenchResult } from '../lib/result';
export async function run(): Promise<BenchResult> { throw new Error('todo'); }
