import { DEEP_BENCH_FIELDS } from './fields.ts';
import { slugify, type Codebook, type CodebookValue } from './schema.ts';

/**
 * The built-in codebook for a Deep-Bench style study. Category names and the bug tree's shape are
 * facts from the Deep-Bench paper; the definitions, examples and aliases are ours.
 */
function v(label: string, definition: string, extra: Partial<CodebookValue> = {}): CodebookValue {
  return { id: slugify(label), label, definition, ...extra };
}

const notDl = (context: string) =>
  v('Not DL-related', `The ${context} problem sits in plain Python logic, with no deep-learning library or concept involved.`, {
    aliases: ['not dl related', 'non-dl', 'general'],
  });

export const deepBenchCodebook: Codebook = {
  id: 'deep-bench',
  version: '1.0.0',
  name: 'Deep-Bench',
  description:
    'Stage, task and input type of deep-learning functions, a two-level taxonomy of the bugs in LLM-generated code, and a prompt review.',
  dimensions: [
    {
      id: 'stage',
      label: 'Stage',
      kind: 'single',
      definition: 'Where in an ML pipeline the function does its work. Pick the stage the function exists for, not every stage it touches.',
      values: [
        v('Pre/Post Processing', 'Prepares data before a model sees it or turns model output into something usable: loading, cleaning, augmenting, encoding, decoding, resizing.', {
          hotkey: '1',
          aliases: ['pre-post process', 'pre/post process', 'preprocessing', 'pre-processing', 'postprocessing', 'post-processing', 'pre post processing', 'data processing'],
          examples: ['normalise an image batch', 'turn logits into labels', 'pad token sequences'],
        }),
        v('Model Construction', 'Defines or assembles a model: layers, blocks, forward passes, weight initialisation, architecture helpers.', {
          hotkey: '2',
          aliases: ['model', 'model building', 'construction', 'architecture'],
          examples: ['a module __init__', 'a residual block forward', 'build a backbone from a config'],
        }),
        v('Training', 'Changes model parameters or drives learning: losses used to optimise, optimisers, schedulers, training loops and steps.', {
          hotkey: '3',
          aliases: ['train', 'trainer', 'optimization', 'fit'],
          examples: ['one optimisation step', 'a learning-rate schedule', 'a custom loss'],
        }),
        v('Inference', 'Uses a trained model to produce predictions without updating it: predict, generate, decode at run time.', {
          hotkey: '4',
          // Not "prediction": the release uses it as a short task name (time series or regression?),
          // so reading it as a stage would be a guess; an unplaced value is reported instead.
          aliases: ['predict', 'serving', 'inferencing'],
          examples: ['beam search', 'batched prediction', 'non-maximum suppression at test time'],
        }),
        v('Evaluation & Metrics', 'Measures how good predictions are: metrics, scores, validation routines, reports.', {
          hotkey: '5',
          aliases: ['Evaluating&Metrics', 'evaluation', 'metrics', 'metric', 'evaluate', 'eval', 'evaluation and metrics', 'evaluating metrics'],
          examples: ['hit rate at k', 'mean IoU', 'confusion matrix'],
        }),
      ],
    },
    {
      id: 'task',
      label: 'Task',
      kind: 'single',
      definition: 'The kind of ML problem the function serves. When the function is useful to many kinds of problem, choose General.',
      values: [
        v('Classification', 'Assigns inputs to discrete classes (binary, multi-class or multi-label).', {
          hotkey: 'q',
          aliases: ['classififcation', 'Classificatoin', 'classifcation', 'classify', 'classifier'],
        }),
        v('Regression', 'Predicts continuous quantities.', { hotkey: 'w', aliases: ['regressor'] }),
        v('Object Detection', 'Finds and localises objects, usually as bounding boxes with classes.', {
          hotkey: 'e',
          aliases: ['detection', 'object-detection', 'obj detection'],
        }),
        v('Image Segmentation', 'Assigns a class or instance to every pixel (semantic, instance or panoptic).', {
          hotkey: 'r',
          aliases: ['segmentation', 'image-segmentation', 'semantic segmentation'],
        }),
        v('Time Series Prediction', 'Forecasts or models values ordered in time.', {
          hotkey: 't',
          aliases: ['time series', 'timeseries', 'time-series', 'forecasting', 'time series forecasting'],
        }),
        v('Recommendation', 'Ranks or suggests items for users.', { hotkey: 'y', aliases: ['recommender', 'recommendation system', 'recsys', 'ranking'] }),
        v('General', 'Not tied to one kind of ML problem: utilities shared by many tasks. The published data leaves this field empty for such entries.', {
          hotkey: 'u',
          aliases: ['none', 'generic', 'other', 'n/a'],
        }),
      ],
    },
    {
      id: 'input',
      label: 'Input type',
      kind: 'single',
      definition: 'The kind of data the function operates on, as it arrives at the function.',
      values: [
        v('Image', 'Pictures or video frames: pixel tensors, image files, point sets in image space.', { hotkey: 'a', aliases: ['images', 'vision', 'video'] }),
        v('Text', 'Natural language or tokens: strings, token ids, embeddings of words.', { hotkey: 's', aliases: ['nlp', 'language', 'tokens'] }),
        v('Structured Array', 'Tables and plain numeric arrays whose columns or axes have fixed meaning.', {
          hotkey: 'd',
          aliases: ['table', 'tabular', 'array', 'arrays', 'structured', 'structured data', 'numeric array'],
        }),
        v('Others', 'Anything else: audio, graphs, model objects, configuration, mixed inputs.', { hotkey: 'f', aliases: ['other', 'misc', 'mixed'] }),
      ],
    },
    {
      id: 'bug',
      label: 'Bug',
      kind: 'tree',
      hotkey: 'b',
      appliesWhen: { passed: false },
      appliesNote: 'applies only to failing outputs',
      definition:
        'Why the generated code fails its tests. Record every distinct cause you find as a type, with a subtype where one fits; most failures have one or two.',
      values: [
        v('Misinterpretation', 'The code does something other than what the prompt asked: the intent was misunderstood.', {
          children: [
            v('Incorrect DL Library or Framework Usage', 'Reaches for the wrong library, framework or backend for what was asked (e.g. NumPy where a differentiable torch op was needed).'),
            v('Shape and Dimension Mismatch', 'Reads the expected tensor layout wrongly: batch first vs last, channels, an axis too many or too few.'),
            v('Incorrect DL/ML Functionality', 'Implements a different ML operation than the one described (another loss, norm or metric).'),
            notDl('misread-prompt'),
          ],
        }),
        v('Syntax Error', 'The code cannot be parsed or compiled.', { aliases: ['syntax'] }),
        v('Silly Mistake', 'A slip a careful author would catch at once: a typo, a swapped argument, a stray return.', {
          children: [notDl('slip')],
        }),
        v('Prompt-biased Code', 'Follows the wording of the prompt too literally (names, examples) instead of the behaviour it implies.', {
          children: [notDl('over-literal')],
        }),
        v('Missing Corner Case', 'The main path works but an edge the tests exercise is not handled.', {
          children: [
            v('Tensor Type and Value Edge Cases', 'Edge values or dtypes of tensors go unhandled: empty tensors, NaN, zeros, integer vs float input.'),
            v('Shape and Dimension Edge Cases', 'Unusual shapes go unhandled: a batch of one, a missing channel axis, zero-length dimensions.'),
            notDl('edge-case'),
          ],
        }),
        v('Wrong Input Type', 'Passes or expects arguments of the wrong type or form.', {
          children: [
            v('Tensor Shape Mismatch', 'A tensor of the wrong shape is handed to an operation or returned.'),
            v('Incorrect ML/DL Function Library Arguments', 'A library function gets wrong, missing or misnamed arguments.'),
            v('Type Mismatch Problem', 'A value of the wrong Python or tensor type is used (list for tensor, float for int, device or dtype clash).'),
            notDl('input-type'),
          ],
        }),
        v('Hallucinated Object', 'Uses something that does not exist: an invented module, class, function or attribute.', {
          children: [
            v('Missing or Undefined DL Modules', 'Refers to a DL module, layer or helper that is never defined or imported.'),
            v('Incorrect Usage of DL Modules', 'Calls a real DL module in a way its API does not offer.'),
            notDl('invented-object'),
          ],
        }),
        v('Wrong Attribute', 'Accesses a real object through the wrong attribute, method or import path.', {
          children: [
            v('Wrong DL Module Import', 'Imports a DL component from the wrong place or under the wrong name.'),
            v('Incorrect API Usage', 'Uses an attribute or method of a library object that does not do what the code needs.'),
            notDl('attribute'),
          ],
        }),
        v('Non-Prompted Consideration', 'Adds behaviour nobody asked for (extra checks, conversions, side effects) and that breaks the expected result.', {
          children: [notDl('unrequested-behaviour')],
        }),
        v('Operation/Calculation Error', 'The arithmetic or the order of operations is wrong.', {
          aliases: ['operation error', 'calculation error'],
          children: [
            v('Data Type Casting Issues', 'Precision or type is lost or changed by a cast (int division, float16, bool masks).'),
            v('Shape and Dimension Errors in Operations', 'An operation reduces, broadcasts, transposes or concatenates along the wrong axis.'),
            v('Incorrect Algebraic Calculations', 'The formula itself is wrong: a sign, a factor, a missing term.'),
            notDl('calculation'),
          ],
        }),
        v('Performance Issue', 'The result is right but too slow or too memory-hungry for the tests.', {
          children: [v('DL Performance Issue', 'Inefficient tensor work: Python loops over tensors, needless copies between devices.'), notDl('performance')],
        }),
        v('Prompt Missing Information', 'The prompt leaves out something the tests depend on, so the model had to guess.', {
          children: [v('Not Defining the Correct DL Library', 'The prompt does not say which DL library or framework the code must use.'), notDl('missing-information')],
        }),
        v('Incorrect or Undefined Variable/Method References', 'Uses a name that is not defined in scope or refers to the wrong variable or method.', {
          children: [notDl('reference')],
        }),
        v('Constant Value Error', 'A hard-coded constant is wrong.', {
          children: [v('Incorrect Tensor Constant Value', 'A constant tensor, epsilon, default or initial value has the wrong value.')],
        }),
        v('Incomplete Generation', 'The output stops early or leaves parts unwritten (placeholders, "pass", truncated code).', {
          aliases: ['incomplete', 'truncated'],
        }),
      ],
    },
    {
      id: 'prompt-review',
      label: 'Prompt review',
      kind: 'checklist',
      definition: 'Tick each quality the prompt already has. Unticked items point at what a revision should add.',
      values: [
        v('Clear and sufficient information', 'A competent developer could write the function from the prompt alone.', { hotkey: 'z' }),
        v('Input and output format specified', 'Argument and return types, shapes and units are stated.', { hotkey: 'x' }),
        v('Error handling and boundary conditions covered', 'The prompt says what happens on bad or edge input.', { hotkey: 'c' }),
      ],
    },
    {
      id: 'prompt-revision',
      label: 'Prompt revision',
      kind: 'text',
      revises: 'prompt',
      definition:
        'When the prompt lacks something the tests depend on, rewrite it so that a careful developer could write the function from it alone. Start from the original; leave the field empty when the prompt is fine.',
      values: [],
    },
  ],
  fields: DEEP_BENCH_FIELDS,
};
