/**
 * Overriding config fields by dotted path (`updatesPerEpisode`, `dreamer.actorLr`,
 * `planner.candidates`): the command lines' `--set PATH=VALUE` and the study files' settings.
 * The path must name an existing field and the value must keep its type, so a typo fails before
 * a run starts.
 */
import { UsageError } from './errors.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Sets the field at dotted `path` of `config` (modified in place) to `value`. Throws UsageError
 * with a message starting with the path: an unknown field (and the allowed ones), a value where
 * a group was, a group where a value was, or a value of another type.
 */
export function setConfigField(config: object, path: string, value: unknown): void {
  const keys = path.trim().split('.');
  let parent = config as Record<string, Json>;
  for (const [i, key] of keys.entries()) {
    const here = keys.slice(0, i).join('.');
    if (!Object.hasOwn(parent, key)) {
      const allowed = Object.keys(parent).join(', ');
      throw new UsageError(
        `${keys.join('.')}: ${here ? `'${here}' has no field '${key}'` : `no config field '${key}'`}; allowed: ${allowed}`,
      );
    }
    if (i === keys.length - 1) {
      checkType(keys.join('.'), parent[key] as Json, value as Json);
      parent[key] = structuredClone(value) as Json;
      return;
    }
    const next = parent[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      throw new UsageError(
        `${keys.join('.')}: '${keys.slice(0, i + 1).join('.')}' is a value, not a group of fields`,
      );
    }
    parent = next;
  }
}

/** Returns a copy of `config` with every `PATH=VALUE` of `sets` applied, in order. VALUE is read
 * as JSON when it parses (numbers, true/false, null, lists) and as text otherwise. */
export function applyConfigSets<T extends object>(config: T, sets: readonly string[]): T {
  const out = structuredClone(config);
  for (const text of sets) {
    const eq = text.indexOf('=');
    if (eq <= 0) {
      throw new UsageError(
        `--set '${text}' is not allowed; write --set PATH=VALUE, e.g. updatesPerEpisode=50`,
      );
    }
    try {
      setConfigField(out, text.slice(0, eq), parseValue(text.slice(eq + 1)));
    } catch (error) {
      throw new UsageError(`--set ${(error as Error).message}`);
    }
  }
  return out;
}

function parseValue(raw: string): Json {
  try {
    return JSON.parse(raw) as Json;
  } catch {
    return raw;
  }
}

function kind(value: Json): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'list' : typeof value;
}

// A field keeps its type; null may become a number and back (optional budgets, episode steps).
function checkType(path: string, old: Json, value: Json): void {
  const before = kind(old);
  const after = kind(value);
  if (before === after) return;
  if ((before === 'null' && after === 'number') || (before === 'number' && after === 'null'))
    return;
  throw new UsageError(
    `${path}=${JSON.stringify(value)}: the field holds ${before === 'object' ? 'a group of fields' : `a ${before}`} (now ${JSON.stringify(old)}), not a ${after}`,
  );
}
