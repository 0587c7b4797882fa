import { reportError, type CliIO, type Command } from '../../cli/command.ts';

/** Runs one command as `concord` does (errors become exit statuses), capturing what it prints. */
export async function runCommand(cmd: Command, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) };
  let code: number;
  try {
    code = await cmd.run(argv, io);
  } catch (e) {
    code = reportError(e, io, cmd.usage);
  }
  return { code, stdout, stderr };
}
