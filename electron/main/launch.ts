import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConcordError } from '../../shared/errors.ts';
import { APP_HOST, APP_INDEX_URL, APP_SCHEME } from './protocol.ts';

/**
 * Where things are for this run: the database, the renderer, the demo fixtures and the Electron
 * build of better-sqlite3. Pure (no electron import) so every case can be tested.
 */
export interface LaunchInput {
  argv: string[];
  env: Record<string, string | undefined>;
  isPackaged: boolean;
  /** app.getPath('userData') */
  userData: string;
  /** app.getAppPath(): the repo in dev, resources/app.asar when packaged. */
  appPath: string;
  /** process.resourcesPath */
  resourcesPath: string;
  fileExists?: (file: string) => boolean;
}

export interface Launch {
  dbFile: string;
  /** The default database's folder (userData) may not exist yet; a `--db` folder must. */
  createDbDir: boolean;
  /** Seed the demo project: on first run, into the default database only (a `--db` file the user
   * names starts empty). */
  seedDemo: boolean;
  demoDir: string;
  nativeBinding?: string;
  /** What the window loads. */
  rendererUrl: string;
  /** The built renderer, served on concord://app (unused with a dev server URL). */
  rendererDir: string;
  /** The only page allowed to call the API (see trustedSender). */
  trusted: TrustedRenderer;
  preload: string;
}

/** Our own scheme and host (concord://app), or a dev server's origin. */
export type TrustedRenderer = { kind: 'app'; scheme: string; host: string } | { kind: 'origin'; origin: string };

/** `--db <file>` or `--db=<file>`; anything else on the command line is Electron's or Chromium's. */
export function dbArgument(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--db') {
      const next = argv[i + 1];
      if (!next || next.startsWith('--')) throw new ConcordError('usage', '--db needs a file path');
      return next;
    }
    if (a.startsWith('--db=')) return a.slice('--db='.length);
  }
  return undefined;
}

export function resolveLaunch(input: LaunchInput): Launch {
  const exists = input.fileExists ?? existsSync;
  const given = dbArgument(input.argv);
  const dbFile = path.resolve(given ?? path.join(input.userData, 'concord.db'));
  // The build output sits beside main.cjs; appPath is the repo root in dev and app.asar packaged,
  // and in both cases build/ is inside it.
  const buildDir = path.join(input.appPath, 'build');
  const devUrl = input.isPackaged ? undefined : input.env.CONCORD_RENDERER_URL;
  let rendererUrl: string;
  let trusted: TrustedRenderer;
  if (devUrl) {
    const u = new URL(devUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ConcordError('usage', `CONCORD_RENDERER_URL must be http(s), got ${devUrl}`);
    rendererUrl = u.href;
    trusted = { kind: 'origin', origin: u.origin };
  } else {
    rendererUrl = APP_INDEX_URL;
    trusted = { kind: 'app', scheme: APP_SCHEME, host: APP_HOST };
  }
  const nativeBinding = input.isPackaged
    ? path.join(input.resourcesPath, 'native', 'better_sqlite3.node')
    : input.env.CONCORD_NATIVE_BINDING || undefined;
  return {
    dbFile,
    createDbDir: given === undefined,
    seedDemo: given === undefined && !exists(dbFile),
    demoDir: input.isPackaged ? path.join(input.resourcesPath, 'fixtures', 'demo') : path.join(input.appPath, 'fixtures', 'demo'),
    nativeBinding,
    rendererUrl,
    rendererDir: path.join(buildDir, 'renderer'),
    trusted,
    preload: path.join(buildDir, 'electron', 'preload.cjs'),
  };
}

/**
 * Whether an IPC sender is our renderer: a page of concord://app (a custom scheme's URL has an
 * opaque origin, so scheme and host are compared), or the dev server's origin.
 */
export function trustedSender(trusted: TrustedRenderer): (frameUrl: string | undefined) => boolean {
  return (frameUrl) => {
    if (!frameUrl) return false;
    let u: URL;
    try {
      u = new URL(frameUrl);
    } catch {
      return false;
    }
    if (trusted.kind === 'origin') return u.origin === trusted.origin;
    return u.protocol === `${trusted.scheme}:` && u.host === trusted.host && !u.username && !u.password && !u.port;
  };
}
