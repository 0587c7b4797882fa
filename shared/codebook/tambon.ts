import { deepBenchCodebook } from './deep-bench.ts';
import type { Codebook } from './schema.ts';

/**
 * The base taxonomy of bugs in LLM-generated general code (Tambon et al., 2024), which Deep-Bench
 * extends. Its ten types are the Deep-Bench types of the same name, without the DL subtypes, so a
 * definition lives in one place.
 */
const tambonTypes = [
  'misinterpretation',
  'syntax-error',
  'silly-mistake',
  'prompt-biased-code',
  'missing-corner-case',
  'wrong-input-type',
  'hallucinated-object',
  'wrong-attribute',
  'incomplete-generation',
  'non-prompted-consideration',
];

const deepBenchBug = deepBenchCodebook.dimensions.find((d) => d.id === 'bug')!;

export const tambonCodebook: Codebook = {
  id: 'tambon-general',
  version: '1.0.0',
  name: 'LLM code bugs (Tambon et al.)',
  description: 'Bug patterns of LLM-generated general code, one level, several per failing output.',
  dimensions: [
    {
      ...deepBenchBug,
      kind: 'tree',
      definition: 'Why the generated code fails its tests. Record every distinct pattern you find.',
      values: tambonTypes.map((id) => {
        const { children: _subtypes, ...type } = deepBenchBug.values.find((v) => v.id === id)!;
        return type;
      }),
    },
  ],
};
