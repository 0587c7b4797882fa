import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConcordError, formatError } from '../shared/errors.ts';

/** Where a command writes: one JSON object (or the human text) on stdout, messages on stderr. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** A command's code; its name and one-line summary are in commands/index.ts, which loads it. */
export interface Command {
  name: string;
  usage: string;
  /** More for `concord <command> --help`, after the summary (who the command acts as, say). */
  help?: string;
  /** Returns the exit status: 0 success, 1 usage error, 2 bad input (nothing written). */
  run(argv: string[], io: CliIO): Promise<number>;
}

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses flags strictly; an unknown flag or a missing value is a usage error (exit 1). */
export function parseFlags<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function requireFlag<T>(value: T | undefined, flag: string): T {
  if (value === undefined || value === '') throw new UsageError(`missing ${flag}`);
  return value;
}

export function intFlag(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} takes a whole number, not "${value}"`);
  return n;
}

/** Maps an error to its exit status and prints it: usage 1, bad input 2, anything else 2 too. */
export function reportError(e: unknown, io: CliIO, usage?: string): number {
  if (e instanceof UsageError) {
    io.stderr(`concord: ${e.message}\n${usage ? `usage: ${usage}\n` : ''}`);
    return 1;
  }
  if (e instanceof ConcordError) {
    io.stderr(`concord: ${formatError(e)}\n`);
    return e.code === 'usage' ? 1 : 2;
  }
  io.stderr(`concord: ${(e as Error)?.stack ?? String(e)}\n`);
  return 2;
}

export function printJson(io: CliIO, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}
