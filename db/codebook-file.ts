import { readFileSync } from 'node:fs';
import { builtInCodebooks, parseCodebook, type Codebook } from '../shared/codebook/index.ts';
import { badInput } from '../shared/errors.ts';

/** A codebook named by a built-in id ("deep-bench", "tambon-general") or a JSON file's path. */
export function loadCodebook(spec: string): Codebook {
  const builtIn = builtInCodebooks[spec];
  if (builtIn) return builtIn;
  if (!spec.toLowerCase().endsWith('.json'))
    throw badInput(`unknown codebook "${spec}": use a built-in one (${Object.keys(builtInCodebooks).join(', ')}) or a .json file`, { field: 'codebook' });
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(spec, 'utf8'));
  } catch (e) {
    throw badInput(`cannot read the codebook: ${(e as Error).message}`, { file: spec });
  }
  return parseCodebook(json, spec);
}
