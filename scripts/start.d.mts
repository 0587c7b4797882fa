export function findElectronBinary(electronDir: string): string | undefined;
export function electronMissingMessage(version: string, reason: string): string;
export function ensureElectronBinary(o?: {
  electronDir?: string;
  install?: (electronDir: string) => { ok: boolean; output: string };
  log?: (message: string) => void;
}): { ok: true; path: string } | { ok: false; message: string };
