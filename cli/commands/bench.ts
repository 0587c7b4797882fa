import { runBench } from '../bench/figures.ts';
import { parseFlags, printJson, type Command } from '../command.ts';

const usage = 'concord bench [--json] [--quick]';

export default {
  name: 'bench',
  summary: 'Measures agreement statistics side by side with the krippendorff package, in this process, on this machine.',
  usage,
  async run(argv, io) {
    const { values } = parseFlags(argv, { json: { type: 'boolean' }, quick: { type: 'boolean' } });
    const result = runBench({ quick: values.quick ?? false, progress: (m) => io.stderr(`bench: ${m}\n`) });
    if (values.json) printJson(io, result);
    else {
      const m = result.machine;
      const lines = [`machine: ${m.cpu}, ${m.cores} cores, ${m.memory_gb} GB, node ${m.node} (${m.platform}/${m.arch})`, ''];
      const num = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3));
      const width = Math.max(...Object.keys(result.figures).map((k) => k.length));
      for (const [name, f] of Object.entries(result.figures))
        lines.push(`${name.padEnd(width)}  ${num(f.value).padStart(9)} ${f.unit.padEnd(5)}  vs ${num(f.peer_value)} ${f.unit} (${f.peer})`);
      io.stdout(`${lines.join('\n')}\n`);
    }
    return 0;
  },
} satisfies Command;
