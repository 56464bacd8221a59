/**
 * A cell: one resolved config of a sweep, identified by a hash of that config, run into its own
 * run directory `<runsDir>/<id>`. The id depends on the config's content only (canonical JSON
 * with sorted keys), so re-planning a sweep or adding cells to it never renames a cell, and two
 * machines agree on a cell's directory without talking to each other.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** A JSON value as a resolved config may hold it. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** One unit of a sweep. */
export interface Cell<Config = JsonValue> {
  /** `c` + 16 hex digits of sha256(canonical JSON of `config`); also the BullMQ job id. */
  id: string;
  /** The resolved config the cell's program runs (written to the run directory as cell.json). */
  config: Config;
  /** Estimated cost in any unit shared by the sweep's cells (e.g. env steps); orders the work
   * (costly cells first) and scales the ETA. */
  cost: number;
}

/** Hex digits of the hash kept in an id: 64 bits, so a study of a million cells has a collision
 * probability below 1e-7. */
const ID_HEX_DIGITS = 16;

/**
 * JSON text of `value` with every object's keys sorted, no whitespace: equal configs give equal
 * text whatever order their keys were written in. Keys whose value is undefined are dropped (as
 * JSON.stringify does). Refuses what JSON cannot represent faithfully (NaN, Infinity, functions,
 * class instances such as Date or typed arrays), naming the path of the bad value, because two
 * different configs must never share an id.
 */
export function canonicalJson(value: unknown): string {
  return encode(value, '$');
}

function encode(value: unknown, path: string): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new Error(`canonicalJson: ${path} is ${value}; a config holds finite numbers only`);
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item, i) => encode(item, `${path}[${i}]`)).join(',')}]`;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const kind = (value as object).constructor?.name ?? 'object';
      throw new Error(`canonicalJson: ${path} is a ${kind}; a config holds plain objects only`);
    }
    const entries = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => {
        const item = (value as Record<string, unknown>)[key];
        return `${JSON.stringify(key)}:${encode(item, `${path}.${key}`)}`;
      });
    return `{${entries.join(',')}}`;
  }
  throw new Error(`canonicalJson: ${path} is a ${typeof value}; a config holds JSON values only`);
}

/**
 * The stable id of a resolved config. It starts with a letter so that it is never an integer
 * string (BullMQ refuses integer job ids) and is safe as a directory name.
 */
export function cellId(config: unknown): string {
  const hex = createHash('sha256').update(canonicalJson(config)).digest('hex');
  return `c${hex.slice(0, ID_HEX_DIGITS)}`;
}

const ID_PATTERN = new RegExp(`^c[0-9a-f]{${ID_HEX_DIGITS}}$`);

/** True when `id` has the shape of a cell id. */
export function isCellId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** A cell of `config` with an estimated cost (default 1: all cells alike). */
export function makeCell<Config>(config: Config, options: { cost?: number } = {}): Cell<Config> {
  const cost = options.cost ?? 1;
  if (!Number.isFinite(cost) || cost < 0) {
    throw new Error(`makeCell: cost must be a finite number >= 0, got ${cost}`);
  }
  return { id: cellId(config), config, cost };
}

/** The run directory a cell writes: `<runsDir>/<id>`. */
export function cellDir(runsDir: string, cell: Pick<Cell, 'id'>): string {
  if (!isCellId(cell.id)) throw new Error(`cellDir: ${JSON.stringify(cell.id)} is not a cell id`);
  return join(runsDir, cell.id);
}
