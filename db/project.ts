import { existsSync } from 'node:fs';
import { deepBenchCodebook, type Codebook } from '../shared/codebook/index.ts';
import { openDatabase } from './database.ts';
import { seedDemo } from './import/index.ts';
import { createService, ensureProject, type Service, type ServiceOptions } from './service.ts';

export interface OpenProjectOptions extends ServiceOptions {
  /** Fill a database that did not exist yet with the demo project from fixtures/. */
  seedDemo?: boolean;
  /** Where the demo fixtures are (the packaged app keeps them outside the source tree). */
  demoDir?: string;
  /** Name of a project created now. */
  name?: string;
  /** Codebook of a project created now (default: Deep-Bench). */
  codebook?: Codebook;
  /**
   * How long this connection waits for the file's write lock (ms; default 5,000). A host that
   * answers many requests waits briefly and tries again without blocking them (cli/server.ts).
   */
  busyTimeoutMs?: number;
}

/**
 * Opens a project file for the hosts: creates it with the Deep-Bench codebook when new
 * (and seeds the demo when asked), migrates it, and returns the service on it.
 */
export async function openProject(file: string, opts: OpenProjectOptions = {}): Promise<Service> {
  const isNew = file === ':memory:' || !existsSync(file);
  const db = openDatabase(file, { nativeBinding: opts.nativeBinding });
  try {
    if (opts.busyTimeoutMs !== undefined) db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs))}`);
    const codebook = opts.seedDemo ? deepBenchCodebook : (opts.codebook ?? deepBenchCodebook);
    ensureProject(db, opts.name ?? (opts.seedDemo && isNew ? 'Demo: Deep-Bench sample' : `${codebook.name} study`), codebook);
    if (isNew && opts.seedDemo) await seedDemo(db, opts.demoDir);
    return createService(db, { nativeBinding: opts.nativeBinding, onImportProgress: opts.onImportProgress, workers: opts.workers, workerUrl: opts.workerUrl, readAhead: opts.readAhead });
  } catch (e) {
    db.close();
    throw e;
  }
}
