/**
 * The snapshot format lives with its reader, the analysis inputs (lib/analysis/inputs/snapshot-format.ts), so that
 * lib/analysis does not import lib/live (which imports lib/analysis); re-exported here for the snapshot writers.
 */
export * from '../../analysis/inputs/snapshot-format';
