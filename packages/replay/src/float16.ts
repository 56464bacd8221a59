/**
 * IEEE 754 binary16 (numpy `<f2`) conversions. Node 20 has no Float16Array, so half floats travel
 * as their raw bits in a Uint16Array: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits.
 * Encoding rounds to the nearest representable value, ties to even (what numpy's astype does),
 * straight from the double, so there is no double rounding through float32.
 */

const FRACTION_BITS = 10;
const MAX_FINITE = 65504; // (2 - 2^-10) * 2^15, bits 0x7bff
/** Halfway between the largest finite half and 2^16: from here on, values round to infinity. */
const OVERFLOW = 65520;
const MIN_NORMAL = 2 ** -14;
const SUBNORMAL_STEP = 2 ** -24;
/** numpy's float16 NaN (quiet NaN, sign clear). */
export const FLOAT16_NAN_BITS = 0x7e00;

const scratch = new DataView(new ArrayBuffer(8));

/** Rounds x to an integer, ties to the even neighbour. */
function roundHalfToEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** The value of one half float given by its 16 bits. */
export function float16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> FRACTION_BITS) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * SUBNORMAL_STEP;
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** The 16 bits of the half float nearest to `value` (ties to even; NaN -> 0x7e00). */
export function numberToFloat16Bits(value: number): number {
  if (Number.isNaN(value)) return FLOAT16_NAN_BITS;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  if (magnitude >= OVERFLOW) return sign | 0x7c00;
  if (magnitude < MIN_NORMAL) {
    // Subnormal: a multiple of 2^-24. Rounding up to 1024 steps gives 0x0400, the smallest
    // normal, which is exactly what those bits mean.
    return sign | roundHalfToEven(magnitude / SUBNORMAL_STEP);
  }
  // The exponent straight from the double's bits (Math.log2 can be off by one near powers of 2).
  scratch.setFloat64(0, magnitude);
  let exponent = ((scratch.getUint16(0) >> 4) & 0x7ff) - 1023;
  let significand = roundHalfToEven((magnitude / 2 ** exponent) * 1024); // in [1024, 2048]
  if (significand === 2048) {
    significand = 1024;
    exponent += 1;
  }
  if (exponent > 15) return sign | 0x7c00;
  return sign | ((exponent + 15) << FRACTION_BITS) | (significand - 1024);
}

/** Half-float bits of every value (for writing `<f2` arrays). */
export function toFloat16Bits(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = numberToFloat16Bits(values[i]);
  return out;
}

/** float32 values of half-float bits (every half float is exactly representable in float32). */
export function float16BitsToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = float16BitsToNumber(bits[i]);
  return out;
}

/** The largest finite half float. */
export const FLOAT16_MAX = MAX_FINITE;
