import type { Command } from '../command.ts';
import info from './info.ts';
import serve from './serve.ts';

/** Every `concord` command, in the order `concord --help` lists them. */
export const commands: Command[] = [info, serve];
