export * from './consensus.ts';
export * from './results.ts';
export * from './api-args.ts';
