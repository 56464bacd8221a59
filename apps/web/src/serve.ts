/**
 * A small static file server for the built page (Node only): files under `roots` by URL path,
 * on 127.0.0.1. `pnpm run web` and the browser tests use it.
 */
import { createReadStream, statSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.jsonl': 'application/x-ndjson',
  '.csv': 'text/csv; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.bin': 'application/octet-stream',
};

/** URL prefix -> directory; the longest matching prefix wins. */
export type ServeRoots = Record<string, string>;

/** Starts serving `roots` on 127.0.0.1:`port` (0 = any free port); resolves with its URL. */
export function serveStatic(
  roots: ServeRoots,
  port = 4173,
): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const prefixes = Object.keys(roots).sort((a, b) => b.length - a.length);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const prefix = prefixes.find((p) => path.startsWith(p));
    let file: string | null = null;
    if (prefix !== undefined) {
      const base = resolve(roots[prefix] as string);
      const candidate = normalize(join(base, path.slice(prefix.length)));
      if (candidate.startsWith(base)) file = candidate;
    }
    try {
      if (file && statSync(file).isDirectory()) file = join(file, 'index.html');
      const size = file ? statSync(file).size : -1;
      res.writeHead(200, {
        'content-type': TYPES[extname(file as string)] ?? 'application/octet-stream',
        'content-length': size,
        'cache-control': 'no-cache',
      });
      createReadStream(file as string).pipe(res);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`not found: ${path}\n`);
    }
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      done({
        url: `http://127.0.0.1:${bound}/`,
        server,
        close: () => new Promise<void>((ok) => server.close(() => ok())),
      });
    });
  });
}
