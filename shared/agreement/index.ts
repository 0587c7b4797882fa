/** Krippendorff's alpha, the other agreement coefficients and the reports (pure: runs in every host). */
export * from './types.ts';
export * from './ratings.ts';
export * from './distance.ts';
export * from './alpha.ts';
export * from './bootstrap.ts';
export * from './pairwise.ts';
export * from './cross-check.ts';
export * from './matrix-csv.ts';
export * from './report.ts';
export * from './weights.ts';
export * from './t-quantile.ts';
export * from './coefficients.ts';
export * from './coefficient-table.ts';
export * from './coefficient-report.ts';
export { mulberry32 } from './prng.ts';
