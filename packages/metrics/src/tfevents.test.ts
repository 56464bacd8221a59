/**
 * Our TensorBoard event files read back by an independent reader: Python's protobuf library
 * (Debian's python3-protobuf) parsing with classes protoc generates from TensorBoard's field
 * layout (fixtures/tensorboard-event.proto), and TFRecord CRCs recomputed bit by bit in Python.
 * Plus the CRC-32C check values and metrics.csv.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeGif, encodePng } from '@vmbrl/core';
import { afterAll, describe, expect, it } from 'vitest';
import { MetricsLog } from './metrics-log.js';
import { RUN_LOG_FILES, metricsCsv, writeRunLogs } from './run-logs.js';
import { crc32c, maskedCrc32c, tfRecord } from './tfevents.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'vmbrl-tfevents-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A python3 that has google.protobuf (the pyenv one may not), or null. */
function pythonWithProtobuf(): string | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(python, ['-c', 'import google.protobuf'], { encoding: 'utf8' });
    if (r.status === 0) return python;
  }
  return null;
}
const PYTHON = pythonWithProtobuf();
const PROTOC = spawnSync('protoc', ['--version']).status === 0;

describe('CRC-32C and TFRecord framing', () => {
  it('matches the published check values', () => {
    // The CRC catalogue's check value for CRC-32C, and RFC 3720's 32 zero bytes.
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    // Masked: rotate right 15, add 0xa282ead8: 0xe3069283 -> 0x2507c60d + 0xa282ead8.
    expect(maskedCrc32c(new TextEncoder().encode('123456789'))).toBe(
      (0x2507_c60d + 0xa282_ead8) >>> 0,
    );
  });

  it('frames a record as length, its CRC, the data, its CRC', () => {
    const data = Uint8Array.from([1, 2, 3]);
    const record = tfRecord(data);
    const view = new DataView(record.buffer);
    expect(record.length).toBe(8 + 4 + 3 + 4);
    expect(view.getBigUint64(0, true)).toBe(3n);
    expect(view.getUint32(8, true)).toBe(maskedCrc32c(record.subarray(0, 8)));
    expect([...record.subarray(12, 15)]).toEqual([1, 2, 3]);
    expect(view.getUint32(15, true)).toBe(maskedCrc32c(data));
  });
});

describe('metrics.csv', () => {
  it('has a column per key, blanks where a row lacks one, and quotes what needs it', () => {
    const csv = metricsCsv([
      { step: 0, kind: 'train', loss: 1.5, pretrain: true },
      { step: 10, kind: 'eval', return: -2, note: 'a, "b"' },
    ]);
    expect(csv).toBe(
      'step,kind,loss,pretrain,return,note\n0,train,1.5,true,,\n10,eval,,,-2,"a, ""b"""\n',
    );
  });
});

describe.skipIf(!PYTHON || !PROTOC)(
  'event files read by protobuf (python3-protobuf, protoc)',
  () => {
    it('holds every numeric metric as a scalar at its step, and the images', () => {
      const runDir = join(root, 'run');
      const log = MetricsLog.open(join(runDir, 'metrics.jsonl'));
      log.append({
        step: 80,
        kind: 'episode',
        return: 12.25,
        random: true,
        planSecondsPerStep: null,
      });
      log.append({ step: 160, kind: 'train', loss: 0.1, kl: 3, updates: 2 });
      log.append({ step: 160, kind: 'eval', return: 123456.789 });
      const frame = new Uint8Array(4 * 6 * 3).fill(200);
      writeFileSync(join(runDir, 'a.gif'), encodeGif([frame, frame], { height: 4, width: 6 }));
      writeFileSync(join(runDir, 'b.png'), encodePng({ data: frame, height: 4, width: 6 }));
      const { tensorboard, csv } = writeRunLogs(runDir, [
        { tag: 'eval/open_loop', step: 160, path: join(runDir, 'a.gif') },
        { tag: 'eval/frame', step: 160, path: join(runDir, 'b.png') },
      ]);
      expect(tensorboard).toBe(join(runDir, RUN_LOG_FILES.tensorboard));
      expect(readFileSync(csv, 'utf8').split('\n')[0]).toBe(
        'step,kind,return,random,planSecondsPerStep,loss,kl,updates',
      );

      const generated = mkdtempSync(join(root, 'pb-'));
      const protoc = spawnSync(
        'protoc',
        [`--proto_path=${FIXTURES}`, `--python_out=${generated}`, 'tensorboard-event.proto'],
        { encoding: 'utf8' },
      );
      expect(protoc.status, protoc.stderr).toBe(0);
      const read = spawnSync(
        PYTHON as string,
        [join(FIXTURES, 'read_tfevents.py'), generated, tensorboard],
        { encoding: 'utf8' },
      );
      expect(read.status, read.stderr).toBe(0);
      const events = JSON.parse(read.stdout);
      expect(events[0]).toEqual({
        wall_time: 0,
        step: 0,
        what: 'file_version',
        file_version: 'brain.Event:2',
      });
      // simple_value is a float32: the values as Math.fround rounds them.
      expect(events.slice(1)).toEqual([
        {
          wall_time: 0,
          step: 80,
          what: 'summary',
          values: [{ tag: 'episode/return', scalar: 12.25 }], // booleans and nulls left out
        },
        {
          wall_time: 0,
          step: 160,
          what: 'summary',
          values: [
            { tag: 'train/loss', scalar: Math.fround(0.1) },
            { tag: 'train/kl', scalar: 3 },
            { tag: 'train/updates', scalar: 2 },
          ],
        },
        {
          wall_time: 0,
          step: 160,
          what: 'summary',
          values: [{ tag: 'eval/return', scalar: Math.fround(123456.789) }],
        },
        {
          wall_time: 0,
          step: 160,
          what: 'summary',
          values: [
            {
              tag: 'eval/open_loop',
              height: 4,
              width: 6,
              colorspace: 3,
              bytes: readFileSync(join(runDir, 'a.gif')).length,
              head: 'GIF89a',
            },
          ],
        },
        {
          wall_time: 0,
          step: 160,
          what: 'summary',
          values: [
            {
              tag: 'eval/frame',
              height: 4,
              width: 6,
              colorspace: 3,
              bytes: readFileSync(join(runDir, 'b.png')).length,
              head: '\x89PNG\r\n',
            },
          ],
        },
      ]);

      // A flipped byte is caught by the reader's CRC check.
      const bytes = readFileSync(tensorboard);
      bytes[bytes.length - 10] ^= 1;
      const damaged = join(root, 'damaged.tfevents');
      writeFileSync(damaged, bytes);
      const bad = spawnSync(
        PYTHON as string,
        [join(FIXTURES, 'read_tfevents.py'), generated, damaged],
        {
          encoding: 'utf8',
        },
      );
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toContain('CRC mismatch');
    });
  },
);
