/**
 * Real child processes for the tests of any package (`@vmbrl/core/testing`): a script started
 * with node, its stdout read as lines (JSON where it parses), waiting helpers, and its exit.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface NodeProcess {
  child: ChildProcess;
  pid: number;
  /** Lines printed on stdout so far. */
  lines: string[];
  /** stdout lines that parse as JSON. */
  events: Record<string, unknown>[];
  stderr(): string;
  /** Resolves with the first line matching, or rejects after `timeoutMs`. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startNode(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): NodeProcess {
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const events: Record<string, unknown>[] = [];
  const waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  let stderr = '';
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      lines.push(line);
      try {
        events.push(JSON.parse(line));
      } catch {
        // a plain log line
      }
      for (const waiter of [...waiters]) {
        if (waiter.match(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
      newline = buffer.indexOf('\n');
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    pid: child.pid ?? -1,
    lines,
    events,
    stderr: () => stderr,
    waitForLine: (match, timeoutMs = 20_000) => {
      const found = lines.find(match);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(
              `no matching line from ${script} within ${timeoutMs} ms; stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`,
            ),
          );
        }, timeoutMs);
        waiters.push({
          match,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
    exited,
  };
}

/** Polls `check` until it returns true, or throws after `timeoutMs` with `what`. */
export async function waitUntil(
  check: () => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What a finished process printed, and its exit code (null when a signal ended it). */
export interface NodeResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `script` to its end without blocking the test's event loop (a long spawnSync stalls the
 * test runner's own messages).
 */
export async function runNode(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<NodeResult> {
  const started = startNode(script, args, env);
  const { code } = await started.exited;
  const stdout = started.lines.join('\n') + (started.lines.length > 0 ? '\n' : '');
  return { status: code, stdout, stderr: started.stderr() };
}
