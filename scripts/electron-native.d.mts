export const repoRoot: string;
export interface NativeTarget {
  key: string;
  dir: string;
  file: string;
  betterSqliteVersion: string;
  electronVersion: string;
  platform: string;
  arch: string;
}
export function nativeKey(o: { betterSqliteVersion: string; electronVersion: string; platform: string; arch: string }): string;
export function nativeTarget(root?: string, o?: { platform?: string; arch?: string }): NativeTarget;
export interface RebuildOptions {
  buildPath: string;
  electronVersion: string;
  arch: string;
  platform: string;
  onlyModules: string[];
  force: boolean;
  mode: 'sequential';
}
export function ensureElectronNative(o?: {
  root?: string;
  arch?: string;
  platform?: string;
  rebuild?: (options: RebuildOptions) => Promise<void>;
  log?: (message: string) => void;
}): Promise<string>;
export class NativeBuildError extends Error {}
