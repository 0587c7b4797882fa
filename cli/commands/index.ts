import type { Command } from '../command.ts';
import alpha from './alpha.ts';
import bench from './bench.ts';
import importCommand from './import.ts';
import info from './info.ts';
import serve from './serve.ts';

/** Every `concord` command, in the order `concord --help` lists them. */
export const commands: Command[] = [importCommand, info, alpha, serve, bench];
