/**
 * Study files: a YAML description of a grid of runs (designs x behaviours x tasks x settings x
 * seeds) and its protocol. The text is parsed with `yaml` (which keeps every node's position)
 * and its shape checked with a `zod` schema; every error names the file, the line, the key and
 * what is allowed, and is a usage error (exit 2). What the keys mean beyond their shape (a
 * design or task that exists, a config path of the agents) is checked by `plan.ts`, which
 * reports through the same `StudyFile.fail`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { FileError, UsageError } from '@vmbrl/core';
import { type Document, LineCounter, isMap, isPair, isScalar, parseDocument } from 'yaml';
import { z } from 'zod';

/** A config value as a study may set it. */
export type SettingValue = z.infer<typeof settingValue>;
const settingValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number(),
    z.string(),
    z.array(settingValue),
    z.record(z.string(), settingValue),
  ]),
);

/** Config fields by dotted path, e.g. `{ planner.horizon: 12, model.variant: rnn }`. */
const settings = z.record(z.string().min(1), settingValue);

/** A design: a built-in name, or a named variant of one with its own settings. */
const designEntry = z.union([
  z.string().min(1),
  z.strictObject({
    name: z.string().min(1).describe('the label in tables and plots'),
    design: z.string().min(1).describe('the built-in design it varies'),
    settings: settings.optional(),
  }),
]);

/** The schema of a study file (one line per field in the docs of `docs/STUDIES.md`). */
export const STUDY_SCHEMA = z.strictObject({
  /** Names the default runs directory (`runs/study-<name>`) and the report's title. */
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _'),
  description: z.string().optional(),
  /** online: train in the environment (Table 5); offline: fixed datasets (Tables 1-2). */
  protocol: z.enum(['online', 'offline']).default('online'),
  /** The agents' preset every cell starts from. */
  preset: z.enum(['paper', 'quick', 'debug']).default('paper'),
  designs: z.array(designEntry).min(1),
  /** How the agent acts: CEM over the model (the paper), Dreamer's actor-critic, ALM's policy. */
  behaviours: z
    .array(z.enum(['cem', 'actor-critic', 'alm']))
    .min(1)
    .default(['cem']),
  tasks: z.array(z.string().min(1)).min(1),
  seeds: z
    .array(
      z
        .number()
        .int()
        .min(0)
        .max(2 ** 32 - 1),
    )
    .min(1),
  /** Applied to every cell, as `--set PATH=VALUE` does. */
  settings: settings.default({}),
  /** Applied to the cells of one behaviour only (after `settings`), e.g. CEM's planner. */
  behaviour_settings: z.partialRecord(z.enum(['cem', 'actor-critic', 'alm']), settings).default({}),
  /** Axes: each path takes every listed value (the grid is their product). */
  sweep: z.record(z.string().min(1), z.array(settingValue).min(1)).default({}),
  /** Multiplies episode budgets and evaluation periods (offline: updates), without editing it. */
  scale: z.number().gt(0).max(1).default(1),
  /** Offline: the split dataset directory of each task (relative to the working directory). */
  datasets: z.record(z.string().min(1), z.string().min(1)).default({}),
  /**
   * Measured CPU seconds of one cell per design (by label), for `plan`'s estimate before any
   * cell of this study is done (then the done cells' own durations take over).
   */
  cell_seconds: z.record(z.string().min(1), z.number().positive()).default({}),
  /** Offline: fields of the offline settings (updates, evalEpisodes, ...; @vmbrl/agents). */
  offline_settings: z.record(z.string().min(1), z.number().nullable()).default({}),
});

/** A design entry as written. */
export type DesignEntry = z.infer<typeof designEntry>;
/** A parsed study file. */
export type StudySpec = z.infer<typeof STUDY_SCHEMA>;

/** A parsed study file, and how to report an error at one of its keys. */
export interface StudyFile {
  path: string;
  spec: StudySpec;
  /** Throws a UsageError naming the file, the line of `key` (the nearest existing node) and the key. */
  fail(key: readonly (string | number)[], message: string): never;
}

/** Reads and checks `path`; a missing file is a FileError, a bad one a UsageError (exit 2). */
export function readStudyFile(path: string): StudyFile {
  if (!existsSync(path)) throw new FileError(path, 'no such study file');
  return parseStudyText(readFileSync(path, 'utf8'), path);
}

/** Parses the text of a study file (see readStudyFile). */
export function parseStudyText(text: string, path: string): StudyFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const at = syntax.linePos?.[0];
    const first = syntax.message.split('\n')[0];
    throw new UsageError(`${path}${at ? `:${at.line}:${at.col}` : ''}: not valid YAML: ${first}`);
  }
  const fail = (key: readonly (string | number)[], message: string): never => {
    const line = lineOf(doc, lines, key);
    throw new UsageError(`${path}${line ? `:${line}` : ''}: ${keyText(key)}: ${message}`);
  };
  const parsed = STUDY_SCHEMA.safeParse(doc.toJS() ?? {}, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(issue.path as (string | number)[], describeIssue(issue));
  }
  return { path, spec: (parsed as { data: StudySpec }).data, fail };
}

/** `designs[1].settings.model.variant`-style text of a key path. */
export function keyText(key: readonly (string | number)[]): string {
  if (key.length === 0) return '(top level)';
  return key
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

/** Line of the deepest node of `key` that exists (a missing key points at its parent). */
function lineOf(
  doc: Document,
  lines: LineCounter,
  key: readonly (string | number)[],
): number | undefined {
  for (let depth = key.length; depth >= 0; depth--) {
    const path = key.slice(0, depth);
    // A settings key names the key itself (its value may sit on another line).
    const parent = depth > 0 ? doc.getIn(path.slice(0, -1), true) : undefined;
    if (isMap(parent)) {
      const pair = parent.items.find(
        (item) => isPair(item) && isScalar(item.key) && item.key.value === path[path.length - 1],
      );
      const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
      if (range) return lines.linePos(range[0]).line;
    }
    const node = depth === 0 ? doc.contents : doc.getIn(path, true);
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (range) return lines.linePos(range[0]).line;
  }
  return undefined;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown key(s) ${issue.keys.join(', ')}; allowed: ${allowedKeys(issue.path)}`;
    case 'invalid_value':
      return `not allowed; choose one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_type':
      return issue.input === undefined
        ? `missing; it is required (${issue.expected})`
        : `${JSON.stringify(issue.input)} is not ${article(issue.expected === 'int' ? 'integer' : issue.expected)}`;
    case 'invalid_union':
      return 'not allowed here; write a design name, or { name, design, settings }';
    default:
      return issue.message;
  }
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function allowedKeys(path: readonly PropertyKey[]): string {
  if (path.length === 0) return Object.keys(STUDY_SCHEMA.shape).join(', ');
  return 'name, design, settings';
}
