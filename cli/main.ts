import { reportError, type CliIO } from './command.ts';
import { commands } from './commands/index.ts';
import { wrapText } from './text-table.ts';

const stdio: CliIO = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
};

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'concord: label LLM-generated code as a team, measure agreement, adjudicate, export.',
    '',
    'usage: concord <command> [options]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `concord <command> --help` for the options of one command.',
    'Exit status: 0 success, 1 usage error, 2 bad input (nothing was written).',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIO = stdio): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(help());
    return name ? 0 : 1;
  }
  if (name === '--version') {
    io.stdout('concord 0.1.0\n');
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.stderr(`concord: unknown command "${name}"\n\n${help()}`);
    return 1;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`usage: ${command.usage}\n\n${entry.summary}\n${command.help ? `\n${wrapText(command.help, 100, '').join('\n')}\n` : ''}`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    return reportError(e, io, command.usage);
  }
}
