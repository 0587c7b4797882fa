import type { Command } from '../command.ts';
import agreement from './agreement.ts';
import alpha from './alpha.ts';
import assign from './assign.ts';
import backup from './backup.ts';
import bench from './bench.ts';
import codebook from './codebook.ts';
import decide from './decide.ts';
import exportCommand from './export.ts';
import importCommand from './import.ts';
import info from './info.ts';
import pack from './pack.ts';
import serve from './serve.ts';

/** Every `concord` command, in the order `concord --help` lists them. */
export const commands: Command[] = [importCommand, info, codebook, assign, alpha, agreement, decide, exportCommand, pack, backup, serve, bench];
