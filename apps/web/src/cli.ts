/**
 * `vmbrl-web`: `export-web RUN --out DIR` writes a trained PlaNet run as a static export the page
 * loads; `serve` serves the built page on 127.0.0.1.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { exportWebRun } from '@vmbrl/agents';
import { type FlagSpec, UsageError, helpText, parseCommand, runMain, wantsHelp } from '@vmbrl/core';
import { serveStatic } from './serve.js';

const USAGE = [
  'usage: vmbrl-web export-web RUN_DIR --out DIR [--episodes 2] [--max-steps 64]',
  '       vmbrl-web serve [--port 4173] [--dir DIST]',
].join('\n');

const EXPORT_FLAGS: Record<string, FlagSpec> = {
  out: {
    type: 'string',
    doc: 'the export directory to write (an earlier export there is replaced)',
  },
  episodes: { type: 'int', doc: 'recorded episodes to include', default: 2 },
  'max-steps': { type: 'int', doc: 'rows kept of each episode', default: 64 },
};

const SERVE_FLAGS: Record<string, FlagSpec> = {
  port: { type: 'int', doc: 'port on 127.0.0.1', default: 4173 },
  dir: {
    type: 'string',
    doc: 'the built page',
    default: fileURLToPath(new URL('../dist', import.meta.url)),
  },
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'export-web') {
    if (wantsHelp(rest)) {
      console.log(helpText(USAGE.split('\n')[0] as string, EXPORT_FLAGS));
      return 0;
    }
    const { flags, positionals } = parseCommand(rest, EXPORT_FLAGS, {
      min: 1,
      max: 1,
      what: 'RUN_DIR',
    });
    if (typeof flags.out !== 'string') throw new UsageError('export-web needs --out DIR');
    const run = positionals[0] as string;
    if (!existsSync(run)) throw new UsageError(`export-web: no run directory ${run}`);
    const manifest = await exportWebRun(run, flags.out, {
      episodes: flags.episodes as number,
      maxSteps: flags['max-steps'] as number,
    });
    console.log(
      `export-web: ${manifest.agent} on ${manifest.task} (${manifest.source.episodes} episodes, ${manifest.source.envSteps} env steps) -> ${flags.out}`,
    );
    return 0;
  }
  if (command === 'serve') {
    if (wantsHelp(rest)) {
      console.log(helpText(USAGE.split('\n')[1]?.trim() as string, SERVE_FLAGS));
      return 0;
    }
    const { flags } = parseCommand(rest, SERVE_FLAGS);
    const dir = flags.dir as string;
    if (!existsSync(dir)) {
      throw new UsageError(`serve: ${dir} does not exist; build the page first (pnpm build)`);
    }
    const { url } = await serveStatic({ '/': dir }, flags.port as number);
    console.log(`vmbrl-web: serving ${dir} at ${url} (Ctrl-C stops)`);
    return new Promise<number>(() => {});
  }
  throw new UsageError(`unknown command '${command}'; ${USAGE.split('\n')[0]}`);
}

runMain('vmbrl-web', () => main(process.argv.slice(2)));
