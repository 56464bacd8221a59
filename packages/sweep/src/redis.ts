/**
 * Redis URLs and connections for the queue engine. A URL is
 * `redis[s]://[[user]:password@]host[:port][/db]` (`rediss` = TLS). The password never appears
 * in a message: every message names the URL through `redactUrl`, and errors from the driver are
 * scrubbed of it too. Connection problems at startup are one clear error (QueueConnectionError,
 * exit 1 in a CLI); a malformed URL is a usage error (RedisUrlError, exit 2).
 * The driver is loaded on first use, so that the local engine and the lease never pay for it.
 */
import { isIP } from 'node:net';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { Redis, RedisOptions } from 'ioredis';

/** A URL that is not a Redis URL. */
export class RedisUrlError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'RedisUrlError';
  }
}

/** Redis could not be reached or refused us. */
export class QueueConnectionError extends Error {
  readonly exitCode = 1;
  constructor(
    message: string,
    /** The URL with its password redacted. */
    readonly url: string,
  ) {
    super(message);
    this.name = 'QueueConnectionError';
  }
}

/** Connection settings shared by enqueue, status and workers. */
export interface RedisConnectOptions {
  /** TLS settings for `rediss://` (e.g. `{ ca }` for a private certificate authority). */
  tls?: TlsOptions;
  /** Time allowed to connect, in ms. */
  connectTimeoutMs?: number;
}

const REDACTED = '***';

/** `url` with its password (and any password-like query parameter) replaced by `***`. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL: hide whatever sits between the scheme and an @, where a password would be.
    return url.replace(/\/\/[^/@]*@/, `//${REDACTED}@`);
  }
  if (parsed.password) parsed.password = REDACTED;
  for (const key of [...parsed.searchParams.keys()]) {
    if (/pass|secret|token|auth/i.test(key)) parsed.searchParams.set(key, REDACTED);
  }
  return parsed.toString();
}

/** `message` without the password of `url`, raw or percent-decoded. */
export function scrubPassword(message: string, url: string): string {
  let password = '';
  try {
    password = new URL(url).password;
  } catch {
    return message;
  }
  if (!password) return message;
  let scrubbed = message.split(password).join(REDACTED);
  const decoded = safeDecode(password);
  if (decoded) scrubbed = scrubbed.split(decoded).join(REDACTED);
  return scrubbed;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** ioredis options of a Redis URL; throws RedisUrlError naming the (redacted) URL. */
export function parseRedisUrl(url: string, options: RedisConnectOptions = {}): RedisOptions {
  const shown = redactUrl(url);
  const usage = 'expected redis://[[user]:password@]host[:port][/db] or rediss://... for TLS';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisUrlError(`${shown} is not a URL; ${usage}`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new RedisUrlError(
      `${shown}: scheme ${parsed.protocol} is not redis: or rediss:; ${usage}`,
    );
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new RedisUrlError(`${shown} has no host; ${usage}`);
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!/^\d*$/.test(dbText) || !Number.isSafeInteger(db)) {
    throw new RedisUrlError(`${shown}: database "${dbText}" is not a number; ${usage}`);
  }
  if (parsed.search || parsed.hash) {
    throw new RedisUrlError(`${shown}: query parameters and fragments are not supported; ${usage}`);
  }
  const tls = parsed.protocol === 'rediss:';
  return {
    host,
    port,
    db,
    ...(parsed.username ? { username: safeDecode(parsed.username) } : {}),
    ...(parsed.password ? { password: safeDecode(parsed.password) } : {}),
    // SNI takes host names only (RFC 6066); an IP address is checked against the certificate's
    // IP entries without it.
    ...(tls ? { tls: { ...(isIP(host) ? {} : { servername: host }), ...options.tls } } : {}),
    connectTimeout: options.connectTimeoutMs ?? 10_000,
  };
}

/** The error of a failed connection as one sentence naming the redacted URL. */
export function describeConnectionError(error: unknown, url: string): QueueConnectionError {
  const shown = redactUrl(url);
  const err = error as NodeJS.ErrnoException;
  const detail = scrubPassword(err?.message ?? String(error), url);
  const code = err?.code ?? '';
  let message: string;
  if (/WRONGPASS|invalid password|invalid username-password/i.test(detail)) {
    message = `Redis at ${shown} refused the credentials (wrong password or user): ${detail}`;
  } else if (/NOAUTH/i.test(detail)) {
    message = `Redis at ${shown} requires a password; give it in the URL (redis://:PASSWORD@host:port): ${detail}`;
  } else if (/CERT|SSL|TLS|certificate/i.test(`${code} ${detail}`)) {
    message = `TLS with Redis at ${shown} failed: ${detail}`;
  } else if (
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ECONNRESET/.test(
      `${code} ${detail}`,
    ) ||
    /Connection is closed|connect timeout/i.test(detail)
  ) {
    message = `cannot reach Redis at ${shown}: ${detail}`;
  } else {
    message = `Redis at ${shown} failed: ${detail}`;
  }
  return new QueueConnectionError(message, shown);
}

/**
 * Connects once, authenticates and pings, without retrying: a wrong password, an unreachable
 * host or a TLS failure is a QueueConnectionError naming the redacted URL.
 */
export async function checkRedis(url: string, options: RedisConnectOptions = {}): Promise<void> {
  const { Redis } = await import('ioredis');
  const client = new Redis({
    ...parseRedisUrl(url, options),
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let firstError: unknown;
  client.on('error', (error) => {
    firstError ??= error;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw describeConnectionError(firstError ?? error, url);
  } finally {
    client.disconnect();
  }
}

/**
 * A long-lived connection for BullMQ: it reconnects forever (every 0.2 s to 5 s), and commands
 * wait for the connection instead of failing, so a Redis restart pauses workers rather than
 * ending them.
 */
export async function openRedis(url: string, options: RedisConnectOptions = {}): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const client = new Redis({
    ...parseRedisUrl(url, options),
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(200 * times, 5000),
  });
  // Errors are reported by the engine's own listeners (through BullMQ); this one only keeps an
  // unhandled 'error' event from ending the process.
  client.on('error', () => {});
  return client;
}
