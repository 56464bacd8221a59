#!/usr/bin/env node
/**
 * vmbrl-envs: list the tasks, or run a random policy for one episode and save its frames.
 *   vmbrl-envs list
 *   vmbrl-envs random --task cartpole-swingup [--seed 0] [--out episode.gif|strip.png]
 *                     [--size 64] [--repeat 1]
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type FlagSpec,
  Rng,
  UsageError,
  exitCodeOf,
  helpText,
  parseFlags,
  splitSeed,
  wantsHelp,
  writeGif,
  writePng,
} from '@vmbrl/core';
import { makeWrappedEnv } from './make.js';
import { getTaskSpec, listTasks } from './registry.js';

/** Parsed `random` command options. */
export interface RandomArgs {
  task: string;
  seed: number;
  out?: string;
  size: number;
  repeat: number;
}

const RANDOM_FLAGS: Record<string, FlagSpec> = {
  task: { type: 'enum', doc: 'task to run (vmbrl-envs list)', choices: listTasks() },
  seed: { type: 'int', doc: 'reset seed of the episode', default: 0, min: 0, max: 2 ** 32 - 1 },
  out: { type: 'string', doc: 'write the frames: file.gif (animation) or file.png (a strip)' },
  size: {
    type: 'int',
    // 512: the episode's frames (1000 x 512 x 512 x 3 bytes = 750 MB) are kept for the output.
    doc: 'rendered image side in pixels (at most 512: every frame of the episode is kept)',
    default: 64,
    min: 8,
    max: 512,
  },
  repeat: { type: 'int', doc: 'action repeat', default: 1, min: 1 },
};
const USAGE =
  'usage: vmbrl-envs list | random --task <name> [--seed N] [--out file.gif|file.png] [--size N] [--repeat N]';

/** Parses the flags of `random`; throws UsageError naming the bad flag and what is allowed. */
export function parseRandomArgs(argv: string[]): RandomArgs {
  const flags = parseFlags(argv, RANDOM_FLAGS);
  const task = flags.task as string | undefined;
  if (task === undefined)
    throw new UsageError(`random needs --task; allowed: ${listTasks().join(', ')}`);
  const out = flags.out as string | undefined;
  if (out !== undefined && !/\.(gif|png)$/i.test(out)) {
    throw new UsageError(`--out '${out}' is not allowed; write a name ending in .gif or .png`);
  }
  return {
    task,
    seed: flags.seed as number,
    out,
    size: flags.size as number,
    repeat: flags.repeat as number,
  };
}

/** Writes frames side by side as one PNG (height size, width size * frames). */
function writePngStrip(path: string, frames: Uint8Array[], size: number): void {
  const width = size * frames.length;
  const strip = new Uint8Array(width * size * 3);
  frames.forEach((frame, k) => {
    for (let y = 0; y < size; y++) {
      strip.set(frame.subarray(3 * y * size, 3 * (y + 1) * size), 3 * (y * width + k * size));
    }
  });
  writePng(path, { data: strip, height: size, width });
}

/** Runs one random-policy episode; returns the undiscounted return and the frames rendered. */
export async function runRandomEpisode(
  args: RandomArgs,
): Promise<{ ret: number; frames: Uint8Array[]; steps: number }> {
  const env = await makeWrappedEnv({
    task: args.task,
    seed: args.seed,
    actionRepeat: args.repeat,
    pixels: args.out !== undefined,
    size: args.size,
  });
  const rng = new Rng(splitSeed(args.seed, 'random-policy'));
  const { shape, min, max } = env.actionSpec;
  const frames: Uint8Array[] = [];
  let ts = env.reset(args.seed);
  if (ts.observation.image) frames.push(ts.observation.image);
  let ret = 0;
  let steps = 0;
  while (!ts.last) {
    const action = Array.from({ length: shape[0] }, () => rng.uniform(min, max));
    ts = env.step(action);
    ret += ts.reward;
    steps++;
    if (ts.observation.image) frames.push(ts.observation.image);
  }
  env.close();
  return { ret, frames, steps };
}

/** Entry point; returns the exit code (errors become one line on `err`). */
export async function main(
  argv: string[],
  log = console.log,
  err = console.error,
): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === '--help' || command === '-h' || wantsHelp(rest)) {
      log(command === 'random' ? helpText(USAGE, RANDOM_FLAGS) : USAGE);
      return 0;
    }
    if (command === 'list') {
      parseFlags(rest, {});
      for (const name of listTasks()) log(name);
      return 0;
    }
    if (command !== 'random') {
      throw new UsageError(`unknown command '${command ?? ''}'; allowed: list, random (--help)`);
    }
    const args = parseRandomArgs(rest);
    const { ret, frames, steps } = await runRandomEpisode(args);
    if (args.out) {
      if (args.out.toLowerCase().endsWith('.gif')) {
        const spec = getTaskSpec(args.task);
        // real-time playback (GIF delays below 20 ms are not honoured by most viewers)
        const delay = Math.max(20, Math.round(spec.controlTimestep * args.repeat * 1000));
        writeGif(args.out, frames, { height: args.size, width: args.size, fps: 1000 / delay });
      } else {
        // a strip of at most 20 evenly spaced frames
        const every = Math.max(1, Math.ceil(frames.length / 20));
        writePngStrip(
          args.out,
          frames.filter((_, i) => i % every === 0),
          args.size,
        );
      }
    }
    log(
      `${args.task} seed ${args.seed}: return ${ret.toFixed(2)} over ${steps} steps${args.out ? ` -> ${args.out}` : ''}`,
    );
    return 0;
  } catch (e) {
    err(`vmbrl-envs: ${e instanceof Error ? e.message : String(e)}`);
    return exitCodeOf(e);
  }
}

const invoked =
  process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (invoked) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
