/**
 * `--set PATH=VALUE`: overrides any field of a resolved config by its dotted path
 * (`updatesPerEpisode=50`, `dreamer.actorLr=8e-5`, `planner.candidates=200`). VALUE is read as
 * JSON when it parses (numbers, true/false, null, lists) and as text otherwise. The path must
 * name an existing field and the value must keep its type, so a typo fails before a run starts.
 */
import { UsageError } from '@vmbrl/core';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Returns a copy of `config` with every `PATH=VALUE` of `sets` applied, in order. */
export function applyConfigSets<T extends object>(config: T, sets: readonly string[]): T {
  const out = structuredClone(config) as unknown as Record<string, Json>;
  for (const text of sets) {
    const eq = text.indexOf('=');
    if (eq <= 0) {
      throw new UsageError(
        `--set '${text}' is not allowed; write --set PATH=VALUE, e.g. updatesPerEpisode=50`,
      );
    }
    const path = text.slice(0, eq).trim().split('.');
    const value = parseValue(text.slice(eq + 1));
    let parent: Record<string, Json> = out;
    for (const [i, key] of path.entries()) {
      const here = path.slice(0, i).join('.');
      if (!Object.hasOwn(parent, key)) {
        const allowed = Object.keys(parent).join(', ');
        throw new UsageError(
          `--set ${path.join('.')}: ${here ? `'${here}' has no field '${key}'` : `no config field '${key}'`}; allowed: ${allowed}`,
        );
      }
      if (i === path.length - 1) {
        checkType(path.join('.'), parent[key] as Json, value);
        parent[key] = value;
      } else {
        const next = parent[key];
        if (next === null || typeof next !== 'object' || Array.isArray(next)) {
          throw new UsageError(
            `--set ${path.join('.')}: '${path.slice(0, i + 1).join('.')}' is a value, not a group of fields`,
          );
        }
        parent = next;
      }
    }
  }
  return out as unknown as T;
}

/**
 * Resolves a run config, applies `--set` to it and validates the result; every error becomes
 * a UsageError (one line, exit code 2), before anything is written.
 */
export function resolveWithSets<T extends object>(
  resolveConfig: () => T,
  sets: readonly string[],
  validate: (config: T) => void,
): T {
  try {
    const config = applyConfigSets(resolveConfig(), sets);
    validate(config);
    return config;
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError((error as Error).message);
  }
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
    `--set ${path}=${JSON.stringify(value)}: the field holds ${before === 'object' ? 'a group of fields' : `a ${before}`} (now ${JSON.stringify(old)}), not a ${after}`,
  );
}
