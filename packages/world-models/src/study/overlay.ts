/**
 * Named overlays on typed defaults: a preset is the defaults with a partial object merged in,
 * and user overrides (`--set a.b=1`) are merged the same way.
 */
import { configCheck as check } from '../config.js';

/** Every field optional, at every depth (arrays are replaced whole). */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * `base` with `overrides` merged in (a new object; neither input changes): nested objects merge
 * field by field; arrays, scalars and tagged objects (with a `kind`, e.g. an image-loss mask)
 * replace. A field `base` does not have is an error naming it and the allowed ones, so a typo
 * in an override never passes silently.
 */
export function mergeOverrides<T>(base: T, overrides: DeepPartial<T> | undefined, path = ''): T {
  const out = structuredClone(base) as Record<string, unknown>;
  if (overrides === undefined) return out as T;
  if (!isRecord(overrides)) check.fail(path || 'overrides', overrides, 'an object of fields');
  for (const [key, value] of Object.entries(overrides)) {
    const where = path ? `${path}.${key}` : key;
    if (!(key in out)) check.fail(where, value, `a known field (${Object.keys(out).join(', ')})`);
    if (value === undefined) continue;
    const current = out[key];
    const tagged = isRecord(value) && 'kind' in value;
    out[key] =
      isRecord(current) && !tagged
        ? mergeOverrides(current, value as never, where)
        : structuredClone(value);
  }
  return out as T;
}
