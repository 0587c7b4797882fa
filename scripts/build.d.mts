import type { BuildOptions, Plugin } from 'esbuild';
export function electronBuildOptions(outdir?: string): { main: BuildOptions; preload: BuildOptions };
export function contractMethodNames(): Promise<string[]>;
export function contractNamesPlugin(names: string[]): Plugin;
export function buildElectron(outdir?: string): Promise<void>;
export function buildRenderer(): Promise<void>;
export function build(what?: 'renderer' | 'electron' | 'all'): Promise<void>;
