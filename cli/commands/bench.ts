import { runBench, scalesOf } from '../bench/figures.ts';
import { leadViewsOf } from '../bench/service-figures.ts';
import { intFlag, parseFlags, printJson, type Command } from '../command.ts';

const usage = 'concord bench [--json] [--quick | --scale] [--no-browser] [--no-cli]';

export default {
  name: 'bench',
  usage,
  help:
    'Builds a study of 100,000 entries (about 11 labels each) through the app\'s own import and measures: imports and the project file against a raw better-sqlite3 insert of the same rows; the agreement report, its bootstrap, adjudication, the label queue and its search, and exports through the service\'s door; browser mode in Chromium (the first entry on screen, a key press to the next entry, a label write over HTTP); the command line\'s start and memory. --scale measures at 1,000, 10,000 and 100,000 entries; --quick at 10,000 (under two minutes). The machine and its load average are printed with the figures. Also `npm run bench`. (--lead-views FILE is the bench\'s own: it times the lead\'s views of one project in a process of their own.)',
  async run(argv, io) {
    const { values } = parseFlags(argv, {
      json: { type: 'boolean' },
      quick: { type: 'boolean' },
      scale: { type: 'boolean' },
      'no-browser': { type: 'boolean' },
      'no-cli': { type: 'boolean' },
      // The bench's own: the lead's views of one project in a process of their own, as JSON.
      'lead-views': { type: 'string' },
      'view-limit-ms': { type: 'string' },
    });
    if (values['lead-views'] !== undefined) {
      printJson(io, await leadViewsOf(values['lead-views'], intFlag(values['view-limit-ms'], '--view-limit-ms', 120_000)));
      return 0;
    }
    const quick = values.quick ?? false;
    const result = await runBench({
      scales: scalesOf({ quick, scale: values.scale }),
      quick,
      browser: !values['no-browser'],
      cli: !values['no-cli'],
      progress: (m) => io.stderr(`bench: ${m}\n`),
    });
    if (values.json) printJson(io, result);
    else {
      const m = result.machine;
      const lines = [
        `machine: ${m.cpu}, ${m.cores} cores, ${m.memory_gb} GB, node ${m.node} (${m.platform}/${m.arch}); load average ${String(m.load_average_start)} at the start, ${String(m.load_average_end)} at the end`,
        '',
      ];
      const num = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3));
      const width = Math.max(...[...Object.keys(result.figures), ...Object.keys(result.unmeasured ?? {})].map((k) => k.length));
      for (const [name, f] of Object.entries(result.figures)) {
        const goal = f.goal ? `  goal ${f.goal}: ${f.meets ? 'met' : 'NOT met'}` : '';
        lines.push(`${name.padEnd(width)}  ${num(f.value).padStart(9)} ${f.unit.padEnd(12)} peer ${num(f.peer_value)} (${f.peer})${goal}`);
      }
      for (const [name, reason] of Object.entries(result.unmeasured ?? {})) lines.push(`${name.padEnd(width)}  not measured: ${reason}`);
      io.stdout(`${lines.join('\n')}\n`);
    }
    return 0;
  },
} satisfies Command;
