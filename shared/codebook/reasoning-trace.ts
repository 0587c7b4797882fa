import type { Codebook } from './schema.ts';

/**
 * A codebook for studies of how reasoning LLMs infer a program's runtime behaviour (the
 * runtime-behavior-inference study, arXiv:2512.00215): per reasoning trace, the kind of input it
 * reasons about, whether its predicted result is right, and, when it is not, what went wrong.
 * The input kinds (regular, edge, invalid) and the error category "Computation Errors" are named
 * in the study's abstract; the study's taxonomy has nine categories, which the team builds while
 * labelling, in the codebook editor. The definitions are ours.
 */
export const reasoningTraceCodebook: Codebook = {
  id: 'reasoning-trace',
  version: '1.0.0',
  name: 'Reasoning traces',
  description:
    'Runtime behaviour inference: the kind of input a reasoning trace works on, whether its predicted result matches the true execution result, and a taxonomy of inference errors that the team extends while labelling.',
  dimensions: [
    {
      id: 'input-kind',
      label: 'Input kind',
      kind: 'single',
      definition: 'What kind of input the program is run on in this trace, judged from the input and the program, not from the model’s answer.',
      values: [
        {
          id: 'regular',
          label: 'Regular',
          hotkey: '1',
          definition: 'A typical input the program is written for: it takes the main path and returns normally.',
          examples: ['a short list of positive numbers for a sorting function'],
        },
        {
          id: 'edge',
          label: 'Edge',
          hotkey: '2',
          definition: 'A valid input at a boundary: empty, a single element, zero, the largest or smallest allowed value, repeated values.',
          examples: ['an empty string', 'a list with one element'],
        },
        {
          id: 'invalid',
          label: 'Invalid',
          hotkey: '3',
          definition: 'An input outside what the program accepts: the wrong type, a value the program rejects, something that makes it raise.',
          examples: ['None where a list is expected', 'a negative count'],
        },
      ],
    },
    {
      id: 'prediction-correct',
      label: 'Prediction correct',
      kind: 'single',
      definition: 'Whether the result the model predicts is the true execution result (the returned value, or the exception raised).',
      values: [
        {
          id: 'yes',
          label: 'Yes',
          hotkey: 'y',
          definition: 'The predicted result equals the true one; formatting that does not change the value (quotes, spacing) does not matter.',
        },
        {
          id: 'no',
          label: 'No',
          hotkey: 'n',
          definition: 'The predicted result differs from the true one, or the trace gives no final answer.',
        },
      ],
    },
    {
      id: 'inference-error',
      label: 'Inference error',
      kind: 'tree',
      hotkey: 'e',
      appliesIf: { dimension: 'prediction-correct', values: ['no'] },
      definition:
        'Where the reasoning trace first goes wrong on its way to a wrong prediction. Record each distinct error; add categories in the codebook editor as the team finds them.',
      values: [
        {
          id: 'computation-errors',
          label: 'Computation Errors',
          definition: 'The trace follows the program correctly but gets a calculation wrong along the way: arithmetic, counting, comparisons, string or index arithmetic.',
          useWhen: 'The steps the trace takes are the ones the program takes, and a value it computes in one of them is wrong.',
          doNotUseWhen: 'The trace takes a branch or a loop the program would not take: the error is in following the control flow, not in computing.',
          examples: ['adds 17 + 25 as 32', 'counts four matches where there are five', 'slices s[1:3] as three characters'],
        },
      ],
    },
  ],
  // The program and the model's reasoning about it side by side; the input and the two results below, the true one beside the predicted one.
  fields: {
    panes: [
      { field: 'code', label: 'Code', language: 'python' },
      { field: 'trace', label: 'Reasoning trace', language: 'markdown' },
    ],
    bottom: [
      { field: 'input', label: 'Input', language: 'python' },
      { field: 'expected_output', label: 'True result', language: 'python' },
      { field: 'predicted_output', label: 'Predicted result', language: 'python' },
    ],
    diff: ['expected_output', 'predicted_output'],
  },
};
