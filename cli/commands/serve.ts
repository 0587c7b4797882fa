import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadCodebook } from '../../db/codebook-file.ts';
import { openProject } from '../../db/project.ts';
import { intFlag, parseFlags, UsageError, type Command } from '../command.ts';
import { defaultDbPath, rendererDir } from '../paths.ts';
import { claimServing, startServer } from '../server.ts';

const usage = 'concord serve [--db <file>] [--port <n>] [--host <address>] [--demo] [--codebook <id|file.json>]';

export default {
  name: 'serve',
  usage,
  async run(argv, io) {
    const { values } = parseFlags(argv, { db: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, demo: { type: 'boolean' }, codebook: { type: 'string' } });
    const port = intFlag(values.port, '--port', 0);
    if (port > 65535) throw new UsageError('--port takes 0-65535');
    const host = values.host ?? '127.0.0.1';
    if (!existsSync(join(rendererDir, 'index.html')))
      throw new UsageError(`the app is not built yet (${rendererDir} is missing): run \`npm run build\` or use \`npm run web\``);
    const file = values.db ?? defaultDbPath();
    // The default project (no --db) starts as the demo, so a first run has something to label.
    const codebook = values.codebook === undefined ? undefined : loadCodebook(values.codebook);
    // The server waits for the file's lock between requests (cli/server.ts), never in one.
    const service = await openProject(file, { seedDemo: values.demo || values.db === undefined, codebook, busyTimeoutMs: 50, readAhead: true });
    const running = await startServer({ service, staticDir: rendererDir, host, port });
    if (host !== '127.0.0.1' && host !== 'localhost')
      io.stderr(`concord: warning: serving on ${host}, reachable from other machines; anyone with the URL's token can read and change this project\n`);
    const serving = file === ':memory:' ? null : claimServing(file, running.port);
    if (serving?.other)
      io.stderr(
        `concord: warning: another concord serve (process ${serving.other.pid}, port ${serving.other.port}) has ${file} open too; both save safely, but each page shows the other's changes only after a reload. Stop one of them unless you mean to run both\n`,
      );
    io.stderr(`concord: project ${file}\nconcord: open this URL in a browser (Ctrl+C stops):\n`);
    io.stdout(`${running.url}\n`);
    await new Promise<void>((resolveStop) => {
      const stop = () => {
        running.close().then(() => {
          serving?.release();
          service.close();
          resolveStop();
        });
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
} satisfies Command;
