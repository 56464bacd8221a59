/** A small, strict command-line flag parser: every flag is declared, typed and documented. */

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

/** Raised for a bad command line; the CLI prints its message in one line and exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses `argv` against `specs`; unknown flags, missing values and bad values raise UsageError. */
export function parseFlags(
  argv: readonly string[],
  specs: Record<string, FlagSpec>,
): Record<string, string | number | boolean | string[]> {
  const values: Record<string, string | number | boolean | string[]> = {};
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.repeatable) values[name] = [];
    else if (spec.default !== undefined) values[name] = spec.default;
  }
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (!token.startsWith('--')) {
      throw new UsageError(`unexpected argument '${token}'; flags look like --name value`);
    }
    const [rawName, inline] = token.slice(2).split(/=(.*)/s, 2);
    const spec = specs[rawName];
    if (!spec) {
      const allowed = Object.keys(specs).map((n) => `--${n}`);
      throw new UsageError(`unknown flag --${rawName}; allowed: ${allowed.join(', ')}`);
    }
    if (spec.type === 'boolean') {
      if (inline !== undefined && inline !== 'true' && inline !== 'false') {
        throw new UsageError(
          `--${rawName}=${inline} is not allowed; write --${rawName} or --${rawName}=false`,
        );
      }
      values[rawName] = inline !== 'false';
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined || (inline === undefined && raw.startsWith('--'))) {
      throw new UsageError(`flag --${rawName} needs a value (${describe(spec)})`);
    }
    if (spec.repeatable) (values[rawName] as string[]).push(raw);
    else values[rawName] = convert(rawName, raw, spec);
  }
  return values;
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
  if (raw.trim() === '' || !Number.isFinite(value) || (isInt && !Number.isInteger(value))) {
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

/** Renders `--help` text for a command. */
export function helpText(usage: string, specs: Record<string, FlagSpec>): string {
  const lines = [usage, '', 'flags:'];
  for (const [name, spec] of Object.entries(specs)) {
    const dflt = spec.default !== undefined ? ` (default ${spec.default})` : '';
    lines.push(`  --${name.padEnd(14)} ${spec.doc}${dflt}`);
  }
  return lines.join('\n');
}
