/**
 * A real redis-server for the tests: started on 127.0.0.1 on a free port with its own temporary
 * directory and append-only file (so a restart keeps the queue, as a production Redis must),
 * stopped afterwards. Debian's `redis-server` package provides the binary; `.ci/run` installs it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  port: number;
  url: string;
  dir: string;
  /** Stops it (SIGTERM: it flushes its append-only file) and waits for the exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and directory. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  dispose(): Promise<void>;
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export function redisServerPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      "redis-server not found: the queue tests need a real Redis. Install Debian's package as root: " +
        'apt-get update && apt-get install -y redis-server (.ci/run does this)',
    );
  }
}

export async function startRedis(
  options: { password?: string; extraArgs?: string[] } = {},
): Promise<RedisServer> {
  const binary = redisServerPath();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'vmbrl-redis-'));
  let child: ChildProcess | undefined;

  const start = () =>
    new Promise<void>((resolve, reject) => {
      const args = [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
        '--daemonize',
        'no',
        ...(options.password ? ['--requirepass', options.password] : []),
        ...(options.extraArgs ?? []),
      ];
      const proc = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      let output = '';
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`redis-server did not start on port ${port}:\n${output}`));
      }, 10_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          proc.stdout?.off('data', onData);
          proc.stdout?.resume();
          resolve();
        }
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        if (!output.includes('Ready to accept connections')) {
          reject(new Error(`redis-server exited with ${code}:\n${output}`));
        }
      });
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });

  await start();
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return {
    port,
    dir,
    url: `redis://${auth}127.0.0.1:${port}`,
    stop,
    start,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
