/**
 * The benchmarks' order statistics (bench/lib/stats.ts): the median of an even count is the mean of its two middle
 * values, not the lower one (which decided kube-apiserver targets on the second-lowest of four rounds); percentiles
 * stay nearest-rank; an empty sample is an error, never a made-up figure.
 */
import { median, percentile } from '../../bench/lib/stats';

test('median: the middle value of an odd count, the mean of the two middle values of an even one, whatever the order', () => {
  expect(median([3, 1, 2])).toBe(2);
  expect(median([1.16, 0.675, 1.06, 0.991])).toBeCloseTo(1.0255, 10);
  expect(median([0.93, 1.03])).toBeCloseTo(0.98, 10);
  expect(median([5])).toBe(5);
  expect(median([2, 2, 9, 9])).toBe(5.5);
});

test('percentile stays nearest-rank, and an empty sample throws', () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1);
  expect(percentile(xs, 95)).toBe(95);
  expect(percentile(xs, 50)).toBe(50);
  expect(percentile([0.93, 1.03], 50)).toBe(0.93);
  expect(() => median([])).toThrow(/empty/);
  expect(() => percentile([], 50)).toThrow(/empty/);
});
