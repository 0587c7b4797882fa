export * from './consensus.ts';
