import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue, status } from './queue.js';
import {
  QueueConnectionError,
  RedisUrlError,
  checkRedis,
  parseRedisUrl,
  redactUrl,
  scrubPassword,
} from './redis.js';
import { fixture, startNode } from './testing/processes.js';
import { type RedisServer, freePort, startRedis } from './testing/redis-server.js';
import { toyCell } from './testing/toy.js';

describe('redactUrl', () => {
  it('hides the password and keeps everything else', () => {
    expect(redactUrl('redis://:hunter2@db.lan:6380/3')).toBe('redis://:***@db.lan:6380/3');
    expect(redactUrl('rediss://alice:s3cr%40t@10.0.0.5')).toBe('rediss://alice:***@10.0.0.5');
    expect(redactUrl('redis://alice@host:1')).toBe('redis://alice@host:1');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactUrl('redis://host/?password=abc&db=1')).toBe('redis://host/?password=***&db=1');
  });

  it('hides what could be a password in something that is not a URL', () => {
    expect(redactUrl('redis://:pa ss@ho st')).toBe('redis://***@ho st');
    expect(redactUrl('not a url')).toBe('not a url');
  });

  it('scrubs a password, raw or percent-decoded, from any message', () => {
    const url = 'redis://:s3cr%40t@host';
    expect(scrubPassword('auth s3cr@t failed (s3cr%40t)', url)).toBe('auth *** failed (***)');
  });
});

describe('parseRedisUrl', () => {
  it('reads host, port, db, user, password and TLS', () => {
    expect(parseRedisUrl('redis://127.0.0.1')).toMatchObject({
      host: '127.0.0.1',
      port: 6379,
      db: 0,
    });
    expect(parseRedisUrl('rediss://bob:p%40ss@cache.lan:6390/4')).toMatchObject({
      host: 'cache.lan',
      port: 6390,
      db: 4,
      username: 'bob',
      password: 'p@ss',
      tls: { servername: 'cache.lan' },
    });
    expect(parseRedisUrl('redis://[::1]:7000').host).toBe('::1');
    expect(parseRedisUrl('redis://h').tls).toBeUndefined();
  });

  it('refuses what is not a Redis URL, without showing the password (usage error, exit 2)', () => {
    const cases: [string, string][] = [
      ['http://:pw@host', 'http://:***@host/: scheme http: is not redis: or rediss:'],
      ['redis://:pw@host/abc', 'database "abc" is not a number'],
      ['redis://:pw@host?x=1', 'query parameters and fragments are not supported'],
      ['nonsense', 'nonsense is not a URL'],
    ];
    for (const [url, message] of cases) {
      let error: unknown;
      try {
        parseRedisUrl(url);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(RedisUrlError);
      expect((error as RedisUrlError).exitCode).toBe(2);
      expect((error as Error).message).toContain(message);
      expect((error as Error).message).not.toMatch(/:pw@/);
    }
  });
});

describe('connecting to a real redis-server', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis({ password: 'right-pass' });
  });
  afterAll(() => redis?.dispose());

  it('connects with the right password', async () => {
    await checkRedis(redis.url);
  });

  it('a wrong password: a clear error naming the URL without the password', async () => {
    const url = `redis://:wrong-pass@127.0.0.1:${redis.port}/0`;
    const error = await checkRedis(url).catch((caught) => caught);
    expect(error).toBeInstanceOf(QueueConnectionError);
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain(
      `Redis at redis://:***@127.0.0.1:${redis.port}/0 refused the credentials`,
    );
    expect(error.message).not.toContain('wrong-pass');
  });

  it('no password where one is required: says so', async () => {
    const error = await checkRedis(`redis://127.0.0.1:${redis.port}`).catch((caught) => caught);
    expect(error.message).toContain(`Redis at redis://127.0.0.1:${redis.port} requires a password`);
  });

  it('an unreachable host: a clear error naming the URL without the password', async () => {
    const port = await freePort();
    const url = `redis://:hunter2@127.0.0.1:${port}`;
    const error = await enqueue(url, [toyCell({ seed: 0, rows: 1, sleepMs: 0 })]).catch(
      (caught) => caught,
    );
    expect(error).toBeInstanceOf(QueueConnectionError);
    expect(error.message).toContain(`cannot reach Redis at redis://:***@127.0.0.1:${port}`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain('hunter2');
  });

  it('a worker process given a wrong password or an unreachable host exits 1 with that error', async () => {
    const port = await freePort();
    const runsDir = mkdtempSync(join(tmpdir(), 'vmbrl-worker-'));
    try {
      for (const [url, expected] of [
        [`redis://:wrong-pass@127.0.0.1:${redis.port}`, 'refused the credentials'],
        [`redis://:wrong-pass@127.0.0.1:${port}`, 'cannot reach Redis'],
      ]) {
        const proc = startNode(fixture('sweep-worker.mjs'), [JSON.stringify({ url, runsDir })]);
        const { code } = await proc.exited;
        expect(code).toBe(1);
        expect(proc.stderr()).toContain(expected);
        expect(proc.stderr()).toContain(':***@127.0.0.1');
        expect(proc.stderr() + proc.lines.join('\n')).not.toContain('wrong-pass');
      }
    } finally {
      rmSync(runsDir, { recursive: true, force: true });
    }
  });
});

describe('rediss:// (TLS) against a real redis-server', () => {
  let redis: RedisServer;
  let certDir: string;
  beforeAll(async () => {
    certDir = mkdtempSync(join(tmpdir(), 'vmbrl-tls-'));
    // A self-signed certificate for 127.0.0.1, which the client trusts as its own CA.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(certDir, 'key.pem'),
        '-out',
        join(certDir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const tlsPort = await freePort();
    redis = await startRedis({
      password: 'tls-pass',
      extraArgs: [
        '--tls-port',
        String(tlsPort),
        '--tls-cert-file',
        join(certDir, 'cert.pem'),
        '--tls-key-file',
        join(certDir, 'key.pem'),
        '--tls-auth-clients',
        'no',
      ],
    });
    redis.url = `rediss://:tls-pass@127.0.0.1:${tlsPort}`;
  });
  afterAll(async () => {
    await redis?.dispose();
    rmSync(certDir, { recursive: true, force: true });
  });

  it('enqueues and reads status over TLS with the server certificate trusted', async () => {
    const tls = { ca: readFileSync(join(certDir, 'cert.pem')) };
    const cell = toyCell({ seed: 1, rows: 1, sleepMs: 0 });
    expect((await enqueue(redis.url, [cell], { tls, queueName: 'tls' })).added).toEqual([cell.id]);
    expect(
      (await status(redis.url, { tls, queueName: 'tls' })).waiting.map((job) => job.id),
    ).toEqual([cell.id]);
  });

  it('an untrusted certificate: a TLS error naming the URL without the password', async () => {
    const error = await checkRedis(redis.url).catch((caught) => caught);
    expect(error).toBeInstanceOf(QueueConnectionError);
    expect(error.message).toContain('TLS with Redis at rediss://:***@127.0.0.1:');
    expect(error.message).toMatch(/self[- ]signed certificate/);
    expect(error.message).not.toContain('tls-pass');
  });
});
