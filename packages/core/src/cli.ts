/**
 * The command-line convention of every vmbrl executable: flags are declared, typed and
 * documented; `node:util`'s `parseArgs` splits the command line (`--name value`,
 * `--name=value`, `-h`); `--help` or `-h` prints usage and exits 0; a usage error prints one line
 * naming the flag and what is allowed and exits 2; a bad file prints one line naming the file and
 * exits 1.
 */
import { parseArgs } from 'node:util';
import { FileError, UsageError } from './errors.js';
import { ValidationError } from './validate.js';

export { FileError, UsageError } from './errors.js';

/** Declaration of one `--name value` flag. */
export interface FlagSpec {
  /**
   * 'string' takes any text; 'int' and 'float' numbers (with optional bounds); 'enum' one of
   * `choices`; 'boolean' is a switch (`--name` alone is true, `--name=false` false).
   */
  type: 'string' | 'int' | 'float' | 'enum' | 'boolean';
  /** One line for `--help`. */
  doc: string;
  default?: string | number | boolean;
  choices?: readonly string[];
  min?: number;
  max?: number;
  /** A 'string' flag that may be given several times; its value is the list of texts. */
  repeatable?: boolean;
}

/** Parsed flag values by name. */
export type FlagValues = Record<string, string | number | boolean | string[]>;

/** True when the command line asks for help (`--help` or `-h` before a `--`). */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const flags = end < 0 ? argv : argv.slice(0, end);
  return flags.includes('--help') || flags.includes('-h');
}

/**
 * Parses `argv` against `specs`: flags and, when `positionals` allows, positional arguments.
 * Unknown flags, missing values, bad values and a wrong number of positionals raise UsageError.
 */
export function parseCommand(
  argv: readonly string[],
  specs: Record<string, FlagSpec>,
  positionals: { min: number; max: number; what: string } = { min: 0, max: 0, what: '' },
): { flags: FlagValues; positionals: string[] } {
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [
      name,
      { type: spec.type === 'boolean' ? ('boolean' as const) : ('string' as const) },
    ]),
  );
  // Non-strict: unknown flags and `--switch=false` come back as tokens, checked below.
  const { tokens } = parseArgs({
    args: [...argv],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const flags: FlagValues = {};
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.repeatable) flags[name] = [];
    else if (spec.default !== undefined) flags[name] = spec.default;
  }
  const given: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      given.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    const spec = specs[token.name];
    if (!spec || token.rawName.length === 2) {
      const allowed = Object.keys(specs).map((n) => `--${n}`);
      throw new UsageError(`unknown flag ${token.rawName}; allowed: ${allowed.join(', ')}`);
    }
    if (spec.type === 'boolean') {
      const inline = token.inlineValue ? token.value : undefined;
      if (inline !== undefined && inline !== 'true' && inline !== 'false') {
        throw new UsageError(
          `--${token.name}=${inline} is not allowed; write --${token.name} or --${token.name}=false`,
        );
      }
      flags[token.name] = inline !== 'false';
      continue;
    }
    const raw = token.value;
    if (raw === undefined || (!token.inlineValue && raw.startsWith('-') && !isNumber(raw))) {
      throw new UsageError(`flag --${token.name} needs a value (${describe(spec)})`);
    }
    if (spec.repeatable) (flags[token.name] as string[]).push(raw);
    else flags[token.name] = convert(token.name, raw, spec);
  }
  if (given.length < positionals.min || given.length > positionals.max) {
    if (positionals.max === 0) {
      throw new UsageError(`unexpected argument '${given[0]}'; flags look like --name value`);
    }
    throw new UsageError(
      `${given.length} arguments given; allowed: ${positionals.what} (${positionals.min}${positionals.max === positionals.min ? '' : positionals.max === Number.POSITIVE_INFINITY ? ' or more' : `..${positionals.max}`})`,
    );
  }
  return { flags, positionals: given };
}

/** Parses flags only (no positional arguments); see {@link parseCommand}. */
export function parseFlags(argv: readonly string[], specs: Record<string, FlagSpec>): FlagValues {
  return parseCommand(argv, specs).flags;
}

/** Decimal notation only: JavaScript's Number() would also take '0x10', '0b1' and ' 7 '. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function isNumber(text: string): boolean {
  return DECIMAL.test(text) && Number.isFinite(Number(text));
}

function convert(name: string, raw: string, spec: FlagSpec): string | number {
  if (spec.type === 'string') return raw;
  if (spec.type === 'enum') {
    if (!spec.choices?.includes(raw)) {
      throw new UsageError(
        `--${name} '${raw}' is not allowed; choose one of: ${spec.choices?.join(', ')}`,
      );
    }
    return raw;
  }
  const value = Number(raw);
  const isInt = spec.type === 'int';
  if (!isNumber(raw) || (isInt && !Number.isInteger(value))) {
    throw new UsageError(`--${name} '${raw}' is not ${describe(spec)}`);
  }
  if (
    (spec.min !== undefined && value < spec.min) ||
    (spec.max !== undefined && value > spec.max)
  ) {
    throw new UsageError(`--${name} ${value} is out of range; allowed: ${describe(spec)}`);
  }
  return value;
}

function describe(spec: FlagSpec): string {
  if (spec.type === 'enum') return `one of ${spec.choices?.join(', ')}`;
  if (spec.type === 'string') return spec.repeatable ? 'a text value (repeatable)' : 'a text value';
  if (spec.type === 'boolean') return 'a switch without a value';
  const kind = spec.type === 'int' ? 'an integer' : 'a number';
  const lo = spec.min !== undefined ? ` >= ${spec.min}` : '';
  const hi = spec.max !== undefined ? ` <= ${spec.max}` : '';
  return `${kind}${lo}${lo && hi ? ' and' : ''}${hi}`;
}

/** Renders `--help` text for a command: its usage, then every flag with its doc and default. */
export function helpText(usage: string, specs: Record<string, FlagSpec>): string {
  const width = Math.max(0, ...Object.keys(specs).map((name) => name.length + 2));
  const lines = [usage, '', 'flags:'];
  for (const [name, spec] of Object.entries(specs)) {
    const dflt = spec.default !== undefined ? ` (default ${spec.default})` : '';
    lines.push(`  ${`--${name}`.padEnd(width)}  ${spec.doc}${dflt}`);
    if (spec.type === 'enum' && spec.choices) {
      lines.push(...wrapList('one of: ', spec.choices, ' '.repeat(width + 4)));
    }
  }
  lines.push(`  ${'--help, -h'.padEnd(width)}  print this help and exit`);
  return lines.join('\n');
}

/** `prefix` and the items joined by commas, wrapped at 100 columns, each line indented. */
function wrapList(prefix: string, items: readonly string[], indent: string): string[] {
  const lines: string[] = [];
  let line = `${indent}${prefix}`;
  items.forEach((item, i) => {
    const text = `${item}${i < items.length - 1 ? ',' : ''}`;
    if (line.length + text.length > 100 && line.trim() !== prefix.trim()) {
      lines.push(line.trimEnd());
      line = `${indent}${' '.repeat(prefix.length)}`;
    }
    line += `${text} `;
  });
  lines.push(line.trimEnd());
  return lines;
}

/**
 * The flags of a script (a benchmark, a generator): `--help` or `-h` prints `usage` and the
 * flags and exits 0; a usage error prints one line and exits 2.
 */
export function scriptFlags(
  usage: string,
  specs: Record<string, FlagSpec>,
  argv: readonly string[] = process.argv.slice(2),
): FlagValues {
  if (wantsHelp(argv)) {
    process.stdout.write(`${helpText(usage, specs)}\n`);
    return process.exit(0);
  }
  try {
    return parseFlags(argv, specs);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return process.exit(2);
  }
}

/** The exit code of an error: 2 for usage and validation errors, 1 for anything else. */
export function exitCodeOf(error: unknown): 1 | 2 {
  return error instanceof UsageError || error instanceof ValidationError ? 2 : 1;
}

/**
 * Runs an executable's `main` and exits with its code; an error becomes one line on stderr
 * prefixed with `name`, exit code {@link exitCodeOf}. `VMBRL_DEBUG=1` prints the stack of
 * unexpected errors (neither usage, validation nor file errors) too.
 */
export function runMain(name: string, main: () => number | Promise<number>): void {
  Promise.resolve()
    .then(main)
    .then(
      (code) => process.exit(code),
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        process.stderr.write(`${name}: ${message}\n`);
        const expected = exitCodeOf(error) === 2 || error instanceof FileError;
        if (!expected && process.env.VMBRL_DEBUG && error instanceof Error && error.stack) {
          process.stderr.write(`${error.stack}\n`);
        }
        process.exit(exitCodeOf(error));
      },
    );
}
