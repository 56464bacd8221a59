/**
 * Sums tf.profile's kernels (`profile.kernels`) into time and call counts per kernel name and,
 * for the kernels `shapesOf(name)` selects, per call shape (input and output shapes and
 * attributes). Shared by kernel-profile.mjs and conv-shapes.mjs; call `add` once per profile.
 */
export class KernelTimes {
  totalMs = 0;
  calls = 0;
  byName = new Map();
  byShape = new Map();

  constructor(shapesOf = () => false) {
    this.shapesOf = shapesOf;
  }

  add(profile) {
    for (const k of profile.kernels) {
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      this.totalMs += ms;
      this.calls++;
      bump(this.byName, k.name, ms);
      if (this.shapesOf(k.name)) {
        const key = `${k.name} in ${JSON.stringify(k.inputShapes)} out ${JSON.stringify(k.outputShapes)} ${k.extraInfo ?? ''}`;
        bump(this.byShape, key, ms);
      }
    }
  }

  /** [key, { ms, count }] rows of `map`, longest first. */
  static sorted(map) {
    return [...map.entries()].sort((a, b) => b[1].ms - a[1].ms);
  }
}

function bump(map, key, ms) {
  const row = map.get(key) ?? { ms: 0, count: 0 };
  row.ms += ms;
  row.count++;
  map.set(key, row);
}
