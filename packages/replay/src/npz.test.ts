import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeEpisode } from './episode';
import { encodeNpyHeader, toFloat32 } from './npy';
import { EpisodeFileError, readEpisode, readNpz, writeEpisode, writeNpz } from './npz';
import { pythonWithNumpy } from './testing/python';
import { temporaryDirectories } from './testing/temp';

const FIXTURES = join(__dirname, '..', 'fixtures');
const tmp = temporaryDirectories('npz');

const HAS_NUMPY = pythonWithNumpy() !== undefined;

function randomEpisode(T: number, seed: number) {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s / 2 ** 32;
  };
  return makeEpisode({
    image: Uint8Array.from({ length: T * 64 * 64 * 3 }, () => Math.floor(next() * 256)),
    state: Float32Array.from({ length: T * 5 }, () => next() * 10 - 5),
    action: Float32Array.from({ length: T * 3 }, () => next() * 2 - 1),
    reward: Float32Array.from({ length: T }, () => next()),
    discount: Float32Array.from({ length: T }, (_, t) => (t === T - 1 ? 0 : 1)),
  });
}

describe('npy header', () => {
  it('pads to 64 bytes with numpy text', () => {
    const header = encodeNpyHeader('<f4', [3, 4]);
    expect(header.length % 64).toBe(0);
    const text = new TextDecoder('latin1').decode(header.subarray(10));
    expect(text.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }")).toBe(
      true,
    );
    expect(text.endsWith(' \n')).toBe(true);
    expect(new TextDecoder('latin1').decode(encodeNpyHeader('|u1', [7]).subarray(10))).toContain(
      "'shape': (7,), }",
    );
  });
});

describe('npz round trip', () => {
  for (const compress of [false, true]) {
    it(`episode round-trips exactly (${compress ? 'deflated' : 'stored'})`, () => {
      const dir = tmp();
      const episode = randomEpisode(17, compress ? 2 : 1);
      const path = join(dir, 'ep.npz');
      writeEpisode(path, episode, { compress });
      const back = readEpisode(path);
      expect(back.length).toBe(17);
      expect(back.actionDim).toBe(3);
      expect(back.stateDim).toBe(5);
      expect(back.imageShape).toEqual([64, 64, 3]);
      expect(Buffer.compare(Buffer.from(back.image!), Buffer.from(episode.image!))).toBe(0);
      expect(Array.from(back.state!)).toEqual(Array.from(episode.state!));
      expect(Array.from(back.action)).toEqual(Array.from(episode.action));
      expect(Array.from(back.reward)).toEqual(Array.from(episode.reward));
      expect(Array.from(back.discount)).toEqual(Array.from(episode.discount));
      // Atomic write leaves no temporary file behind.
      expect(readdirSync(dir)).toEqual(['ep.npz']);
    });
  }

  it('round-trips every dtype', () => {
    const path = join(tmp(), 'all.npz');
    const i8 = BigInt64Array.from([-(2n ** 40n), 7n, 2n ** 53n]);
    writeNpz(path, {
      a: { dtype: '<f8', shape: [2], data: Float64Array.from([1e300, -0.5]) },
      b: { dtype: '<i4', shape: [1, 2], data: Int32Array.from([-3, 2 ** 31 - 1]) },
      c: { dtype: '<i8', shape: [3], data: i8 },
      d: { dtype: '|b1', shape: [2], data: Uint8Array.from([1, 0]) },
      e: { dtype: '<f4', shape: [], data: Float32Array.from([2.5]) },
      // half floats as raw bits: 1.0, -2.0, the smallest subnormal, inf
      f: { dtype: '<f2', shape: [2, 2], data: Uint16Array.from([0x3c00, 0xc000, 0x0001, 0x7c00]) },
    });
    const back = readNpz(path);
    expect(Array.from(back.get('a')!.data as Float64Array)).toEqual([1e300, -0.5]);
    expect(back.get('b')!.shape).toEqual([1, 2]);
    expect(Array.from(back.get('b')!.data as Int32Array)).toEqual([-3, 2 ** 31 - 1]);
    expect(Array.from(back.get('c')!.data as BigInt64Array)).toEqual(Array.from(i8));
    expect(back.get('d')!.dtype).toBe('|b1');
    expect(back.get('e')!.shape).toEqual([]);
    expect(Array.from(back.get('e')!.data as Float32Array)).toEqual([2.5]);
    expect(back.get('f')!.dtype).toBe('<f2');
    expect(back.get('f')!.shape).toEqual([2, 2]);
    expect(Array.from(toFloat32(back.get('f')!))).toEqual([
      1,
      -2,
      2 ** -24,
      Number.POSITIVE_INFINITY,
    ]);
  });
});

describe('numpy interop', () => {
  function checkDreamerFixture(file: string, withState: boolean) {
    const episode = readEpisode(join(FIXTURES, file));
    const T = 6;
    expect(episode.length).toBe(T);
    expect(episode.actionDim).toBe(2);
    expect(episode.imageShape).toEqual([64, 64, 3]);
    // Values recomputed from the closed forms in fixtures/make_fixture.py.
    for (const [t, y, x, c] of [
      [0, 0, 0, 0],
      [3, 10, 20, 2],
      [5, 63, 63, 1],
    ]) {
      const index = ((t * 64 + y) * 64 + x) * 3 + c;
      expect(episode.image![index]).toBe((t * 7 + y * 3 + x * 5 + c * 11) % 256);
    }
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < 2; j++) {
        expect(episode.action[t * 2 + j]).toBe(t === 0 ? 0 : (t * 2 + j) / 8 - 1);
      }
      expect(episode.reward[t]).toBe(t * 0.25);
      expect(episode.discount[t]).toBe(t === T - 1 ? 0 : 1);
    }
    expect(episode.stateDim).toBe(withState ? 4 : undefined);
    if (withState) expect(episode.state![4 * 5 + 3]).toBe(23 / 4);
  }

  it('loads a numpy.savez Dreamer episode (stored entries, extra keys ignored)', () => {
    checkDreamerFixture('dreamer-episode.npz', false);
  });

  it('loads a numpy.savez_compressed float64 episode (deflated entries)', () => {
    checkDreamerFixture('dreamer-episode-f64-compressed.npz', true);
  });

  it('decodes every dtype numpy wrote', () => {
    const arrays = readNpz(join(FIXTURES, 'dtypes.npz'));
    expect(arrays.get('f4')!.shape).toEqual([3, 4]);
    expect(Array.from(arrays.get('f4')!.data as Float32Array)).toEqual(
      Array.from({ length: 12 }, (_, i) => i - 5.5),
    );
    expect(Array.from(arrays.get('f8')!.data as Float64Array)).toEqual([1.5, -2.25, 1e300]);
    expect(arrays.get('u1')!.shape).toEqual([2, 3, 4]);
    expect(Array.from(arrays.get('u1')!.data as Uint8Array)).toEqual(
      Array.from({ length: 24 }, (_, i) => i),
    );
    expect(Array.from(arrays.get('i4')!.data as Int32Array)).toEqual([-(2 ** 31), 0, 2 ** 31 - 1]);
    expect(Array.from(arrays.get('i8')!.data as BigInt64Array)).toEqual([
      -(2n ** 40n),
      7n,
      2n ** 53n,
    ]);
    expect(arrays.get('b1')!.dtype).toBe('|b1');
    expect(Array.from(arrays.get('b1')!.data as Uint8Array)).toEqual([1, 0, 1]);
    expect(arrays.get('scalar')!.shape).toEqual([]);
    expect(Array.from(arrays.get('scalar')!.data as Float32Array)).toEqual([3.5]);
  });

  it.skipIf(!HAS_NUMPY)(
    'numpy.load reads files we write (skipped only when python3 with numpy is missing)',
    () => {
      const dir = tmp();
      const episode = randomEpisode(9, 7);
      writeEpisode(join(dir, 'stored.npz'), episode);
      writeEpisode(join(dir, 'deflated.npz'), episode, { compress: true });
      // numpy computes checksums of each column; we compare them with our own sums.
      const script = [
        'import json, sys, numpy as np',
        'out = {}',
        'for name in ("stored", "deflated"):',
        '    d = np.load(sys.argv[1] + "/" + name + ".npz")',
        '    out[name] = {k: [str(d[k].dtype), list(d[k].shape), float(d[k].astype(np.float64).sum())] for k in d.files}',
        'print(json.dumps(out))',
      ].join('\n');
      const result = spawnSync('python3', ['-c', script, dir], { encoding: 'utf8' });
      expect(result.stderr).toBe('');
      const parsed = JSON.parse(result.stdout);
      const sum = (a: ArrayLike<number>) => Array.from(a).reduce((x, y) => x + y, 0);
      for (const name of ['stored', 'deflated']) {
        const info = parsed[name];
        expect(info.image[0]).toBe('uint8');
        expect(info.image[1]).toEqual([9, 64, 64, 3]);
        expect(info.image[2]).toBe(sum(episode.image!));
        expect(info.action.slice(0, 2)).toEqual(['float32', [9, 3]]);
        expect(info.action[2]).toBeCloseTo(sum(episode.action), 9);
        expect(info.state[1]).toEqual([9, 5]);
        expect(info.reward.slice(0, 2)).toEqual(['float32', [9]]);
        expect(info.discount[2]).toBe(8);
      }
    },
  );
});

describe('damaged files', () => {
  it('truncated and corrupted files are reported by name', () => {
    const dir = tmp();
    const good = join(dir, 'good.npz');
    writeEpisode(good, randomEpisode(4, 3));
    const bytes = readFileSync(good);

    const truncated = join(dir, 'truncated.npz');
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 100));
    expect(() => readEpisode(truncated)).toThrow(EpisodeFileError);
    expect(() => readEpisode(truncated)).toThrow(/truncated\.npz: .*(truncated|end)/);

    const corrupt = join(dir, 'corrupt.npz');
    const flipped = Buffer.from(bytes);
    flipped[2000] ^= 0xff; // inside the image entry's data
    writeFileSync(corrupt, flipped);
    expect(() => readEpisode(corrupt)).toThrow(/corrupt\.npz: entry image\.npy: CRC-32 mismatch/);

    const notZip = join(dir, 'text.npz');
    writeFileSync(notZip, 'hello world, not a zip archive at all');
    expect(() => readEpisode(notZip)).toThrow(/text\.npz: not a zip archive/);

    const missing = join(dir, 'missing-key.npz');
    writeNpz(missing, { reward: { dtype: '<f4', shape: [2], data: new Float32Array(2) } });
    expect(() => readEpisode(missing)).toThrow(/missing-key\.npz: missing key 'action'/);
  });
});

describe.skipIf(!HAS_NUMPY)('npy header bytes', () => {
  it('equal the header numpy.save writes', () => {
    const cases: [string, string, number[]][] = [
      ['float32', '<f4', [3, 4]],
      ['uint8', '|u1', [7]],
      ['uint8', '|u1', [500, 64, 64, 3]],
      ['float32', '<f4', []],
      ['int64', '<i8', [123456789012]],
      ['float16', '<f2', [10, 2]],
    ];
    const script = [
      'import io, sys, json, numpy as np',
      'out = []',
      'for dt, shape in json.loads(sys.argv[1]):',
      '    b = io.BytesIO(); np.lib.format.write_array_header_1_0(b, {"descr": np.dtype(dt).str, "fortran_order": False, "shape": tuple(shape)})',
      '    out.append(b.getvalue().hex())',
      'print(json.dumps(out))',
    ].join('\n');
    const arg = JSON.stringify(cases.map(([dt, , shape]) => [dt, shape]));
    const result = spawnSync('python3', ['-c', script, arg], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    const expected: string[] = JSON.parse(result.stdout);
    cases.forEach(([, descr, shape], i) => {
      expect(Buffer.from(encodeNpyHeader(descr as '<f4', shape)).toString('hex')).toBe(expected[i]);
    });
  });
});
