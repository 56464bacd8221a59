import { describe, expect, it } from 'vitest';
import {
  FLOAT16_MAX,
  float16BitsToFloat32,
  float16BitsToNumber,
  numberToFloat16Bits,
  toFloat16Bits,
} from './float16';
import { pythonWithNumpy, runPythonJson } from './testing/python';

// Bit patterns worked out by hand from the binary16 layout (sign | 5-bit exponent, bias 15 |
// 10-bit fraction); the comment gives the arithmetic.
const ENCODE: [number, number, string][] = [
  [0, 0x0000, 'zero'],
  [-0, 0x8000, 'negative zero keeps its sign'],
  [1, 0x3c00, '2^0: exponent 15 = 0b01111'],
  [-2, 0xc000, 'sign | exponent 16'],
  [0.5, 0x3800, 'exponent 14'],
  [0.1, 0x2e66, '1.6 * 2^-4: exponent 11, fraction round(0.6 * 1024 = 614.4) = 614 = 0x266'],
  [1 / 3, 0x3555, '1.333 * 2^-2: exponent 13, fraction round(341.33) = 341 = 0x155'],
  [65504, 0x7bff, 'largest finite: (2 - 2^-10) * 2^15'],
  [65519.99, 0x7bff, 'just below the midpoint to 2^16 rounds down'],
  [65520, 0x7c00, 'the midpoint ties to the even neighbour, 2^16, which overflows to inf'],
  [1e6, 0x7c00, 'overflow'],
  [Number.POSITIVE_INFINITY, 0x7c00, 'inf'],
  [Number.NEGATIVE_INFINITY, 0xfc00, '-inf'],
  [Number.NaN, 0x7e00, "numpy's quiet NaN"],
  [2 ** -14, 0x0400, 'smallest normal'],
  [2 ** -24, 0x0001, 'smallest subnormal'],
  [2 ** -25, 0x0000, 'half the smallest subnormal ties to even: 0'],
  [1.5 * 2 ** -24, 0x0002, '1.5 steps ties to the even 2'],
  [2.5 * 2 ** -24, 0x0002, '2.5 steps ties to the even 2'],
  [1023 * 2 ** -24, 0x03ff, 'largest subnormal'],
  [1023.5 * 2 ** -24, 0x0400, 'ties to the even 1024 steps = the smallest normal'],
  [-3 * 2 ** -24, 0x8003, 'negative subnormal'],
  [1 + 2 ** -11, 0x3c00, 'midpoint of 1 and 1 + 2^-10 ties to even fraction 0'],
  [1 + 3 * 2 ** -11, 0x3c02, 'midpoint of fractions 1 and 2 ties to even 2'],
  [1 + 2 ** -11 + 2 ** -30, 0x3c01, 'just above the midpoint rounds up'],
  [
    2 - 2 ** -11,
    0x4000,
    'midpoint of 0x3fff (1.999) and 2 ties to the even 2.0, carrying into the exponent',
  ],
];

const DECODE: [number, number][] = [
  [0x0001, 2 ** -24],
  [0x03ff, 1023 * 2 ** -24],
  [0x0400, 2 ** -14],
  [0x3c00, 1],
  [0x3555, 0.333251953125],
  [0x2e66, 0.0999755859375],
  [0xc000, -2],
  [0x7bff, 65504],
  [0xfbff, -65504],
  [0x7c00, Number.POSITIVE_INFINITY],
  [0xfc00, Number.NEGATIVE_INFINITY],
];

describe('float16', () => {
  it('encodes to hand-computed bit patterns (round to nearest, ties to even)', () => {
    for (const [value, bits, why] of ENCODE) {
      expect(numberToFloat16Bits(value).toString(16), why).toBe(bits.toString(16));
    }
  });

  it('decodes bit patterns, including subnormals, infinities, NaN and -0', () => {
    for (const [bits, value] of DECODE) expect(float16BitsToNumber(bits)).toBe(value);
    expect(float16BitsToNumber(0x7e00)).toBeNaN();
    expect(float16BitsToNumber(0x7c01)).toBeNaN(); // any non-zero fraction with exponent 31
    expect(Object.is(float16BitsToNumber(0x8000), -0)).toBe(true);
    expect(FLOAT16_MAX).toBe(float16BitsToNumber(0x7bff));
  });

  it('every finite half float survives bits -> number -> bits', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const exponent = (bits >> 10) & 0x1f;
      if (exponent === 0x1f && bits & 0x3ff) continue; // NaNs collapse to one pattern
      expect(numberToFloat16Bits(float16BitsToNumber(bits))).toBe(bits);
    }
    const back = float16BitsToFloat32(toFloat16Bits([0.1, -65504, 2 ** -24]));
    expect(Array.from(back)).toEqual([0.0999755859375, -65504, 2 ** -24]);
  });

  const python = pythonWithNumpy();
  it.skipIf(!python)('agrees with numpy astype(float16) on 20000 values', () => {
    // Values spread over the whole range, including subnormals and overflow, plus exact ties.
    const values: number[] = [];
    let s = 12345;
    const next = () => {
      s = (s * 1103515245 + 12345) >>> 0;
      return s / 2 ** 32;
    };
    for (let i = 0; i < 19000; i++) {
      const magnitude = 2 ** (next() * 44 - 27); // 2^-27 .. 2^17
      values.push(next() < 0.5 ? -magnitude : magnitude);
    }
    for (let k = 0; k < 1000; k++) values.push((k + 0.5) * 2 ** -24, 1 + (2 * k + 1) * 2 ** -11);
    const script =
      'import sys, json, numpy as np\n' +
      'v = np.array(json.load(sys.stdin), dtype=np.float64)\n' +
      'with np.errstate(over="ignore"):\n' + // overflow to inf is part of the test
      '    print(json.dumps(v.astype(np.float16).view(np.uint16).tolist()))\n';
    const numpyBits = runPythonJson(script, [], JSON.stringify(values)) as number[];
    expect(Array.from(toFloat16Bits(values))).toEqual(numpyBits);
  });
});
