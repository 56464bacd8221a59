/**
 * Configs as typed defaults plus named overlays: `paper` (the paper's values), `quick` (learns on
 * a CPU within the hour) and `debug` (a whole run in seconds, for tests). Every field has a
 * one-line doc; the docs feed command-line help and preset listings.
 */

/** The presets every config has. */
export type PresetName = 'paper' | 'quick' | 'debug';

/** The preset names, in the order listings show them. */
export const PRESET_NAMES: readonly PresetName[] = ['paper', 'quick', 'debug'];

/** What an overlay may change: any field, nested groups field by field; lists are replaced. */
export type Overlay<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[]
    ? T[K]
    : T[K] extends object | null
      ? Overlay<NonNullable<T[K]>> | (null extends T[K] ? null : never)
      : T[K];
};

/**
 * One-line docs of every field: a string, or for a group of fields either one string for the
 * whole group or the docs of its fields.
 */
export type FieldDocs<T> = {
  [K in keyof T]-?: NonNullable<T[K]> extends readonly unknown[]
    ? string
    : NonNullable<T[K]> extends object
      ? FieldDocs<NonNullable<T[K]>> | string
      : string;
};

/** A config's defaults, its preset overlays and its field docs. */
export interface PresetTable<T> {
  /** The paper's values. */
  defaults: T;
  /** What each preset changes on top of the defaults. */
  overlays: Readonly<Record<PresetName, Overlay<T>>>;
  docs: FieldDocs<T>;
}

function isGroup(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `base` with `overlay` applied: groups merge field by field, everything else is replaced. */
export function applyOverlay<T>(base: T, overlay: Overlay<T>): T {
  const out = structuredClone(base) as Record<string, unknown>;
  for (const [key, value] of Object.entries(overlay as Record<string, unknown>)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] =
      isGroup(value) && isGroup(current)
        ? applyOverlay(current, value as Overlay<typeof current>)
        : structuredClone(value);
  }
  return out as T;
}

/** The config of `preset` (a fresh object). */
export function resolvePreset<T>(table: PresetTable<T>, preset: PresetName): T {
  return applyOverlay(table.defaults, table.overlays[preset]);
}

/** One documented field: its dotted path and doc. */
export interface DocumentedField {
  path: string;
  doc: string;
}

/** The documented fields in declaration order (a group with one doc is one field). */
export function documentedFields<T>(docs: FieldDocs<T>, prefix = ''): DocumentedField[] {
  const out: DocumentedField[] = [];
  for (const [key, doc] of Object.entries(docs as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof doc === 'string') out.push({ path, doc });
    else out.push(...documentedFields(doc as FieldDocs<unknown>, path));
  }
  return out;
}

/** The value at a dotted path of a config (undefined when a group on the way is missing). */
export function valueAt(config: unknown, path: string): unknown {
  let value: unknown = config;
  for (const key of path.split('.')) {
    if (!isGroup(value)) return undefined;
    value = value[key];
  }
  return value;
}
