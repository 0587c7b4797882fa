// Runs db/jobs/worker.ts in a worker thread straight from the TypeScript sources (tsx), as the
// command line does; a built app starts the bundled worker (scripts/build.mjs) instead.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
