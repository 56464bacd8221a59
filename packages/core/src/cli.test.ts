import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type FlagSpec,
  UsageError,
  helpText,
  parseCommand,
  parseFlags,
  scriptFlags,
  wantsHelp,
} from './cli.js';

const specs: Record<string, FlagSpec> = {
  task: {
    type: 'enum',
    doc: 'task',
    choices: ['cartpole-swingup', 'walker-walk'],
    default: 'cartpole-swingup',
  },
  seed: { type: 'int', doc: 'seed', default: 0, min: 0 },
  lr: { type: 'float', doc: 'learning rate', min: 0, max: 1 },
  out: { type: 'string', doc: 'run directory' },
  force: { type: 'boolean', doc: 'switch', default: false },
};

describe('parseFlags', () => {
  it('fills defaults and converts typed values', () => {
    expect(parseFlags(['--seed', '3', '--lr=0.5', '--out', 'runs/x'], specs)).toEqual({
      task: 'cartpole-swingup',
      seed: 3,
      lr: 0.5,
      out: 'runs/x',
      force: false,
    });
  });

  it('reads a boolean switch without a value', () => {
    expect(parseFlags(['--force', '--seed', '2'], specs)).toMatchObject({ force: true, seed: 2 });
    expect(parseFlags(['--force=false'], specs).force).toBe(false);
    expect(() => parseFlags(['--force=yes'], specs)).toThrow(
      '--force=yes is not allowed; write --force or --force=false',
    );
  });

  it('names an unknown flag and lists the allowed ones', () => {
    expect(() => parseFlags(['--sed', '1'], specs)).toThrow(
      'unknown flag --sed; allowed: --task, --seed, --lr, --out, --force',
    );
  });

  it('names a bad enum value and the choices', () => {
    expect(() => parseFlags(['--task', 'pong'], specs)).toThrow(
      "--task 'pong' is not allowed; choose one of: cartpole-swingup, walker-walk",
    );
  });

  it('rejects non-integers, out-of-range numbers and missing values', () => {
    expect(() => parseFlags(['--seed', '1.5'], specs)).toThrow(
      "--seed '1.5' is not an integer >= 0",
    );
    expect(() => parseFlags(['--lr', '2'], specs)).toThrow(
      '--lr 2 is out of range; allowed: a number >= 0 and <= 1',
    );
    for (const notDecimal of ['0x10', '0b1', '0o7', ' 7', 'Infinity', '1_000']) {
      expect(() => parseFlags(['--seed', notDecimal], specs)).toThrow(
        `--seed '${notDecimal}' is not an integer >= 0`,
      );
    }
    expect(parseFlags(['--seed', '1e3', '--lr', '.5'], specs)).toMatchObject({
      seed: 1000,
      lr: 0.5,
    });
    expect(() => parseFlags(['--seed'], specs)).toThrow('flag --seed needs a value');
    expect(() => parseFlags(['--seed', '--lr', '1'], specs)).toThrow(UsageError);
  });

  it('prints every flag with its doc and default in help', () => {
    const text = helpText('usage: x', specs);
    expect(text).toContain('--seed');
    expect(text).toContain('(default cartpole-swingup)');
  });

  it('lists the choices of an enum flag under it, wrapped at 100 columns', () => {
    const choices = Array.from({ length: 30 }, (_, i) => `choice-${i}`);
    const text = helpText('usage: x', { ...specs, pick: { type: 'enum', doc: 'd', choices } });
    const lines = text.split('\n');
    const task = lines.findIndex((l) => l.startsWith('  --task'));
    expect(lines[task + 1]?.trim()).toBe('one of: cartpole-swingup, walker-walk');
    const pick = lines.findIndex((l) => l.startsWith('  --pick'));
    const listed = lines
      .slice(pick + 1)
      .filter((l) => !l.trimStart().startsWith('--'))
      .join(' ')
      .replace('one of:', '')
      .split(',')
      .map((c) => c.trim());
    expect(listed).toEqual(choices);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
  });
});

describe('parseCommand', () => {
  it('takes positional arguments within the allowed count', () => {
    const spec = { json: { type: 'boolean', doc: 'json', default: false } } as const;
    const range = { min: 1, max: 1, what: 'a directory' };
    expect(parseCommand(['dir', '--json'], spec, range)).toEqual({
      flags: { json: true },
      positionals: ['dir'],
    });
    expect(() => parseCommand([], spec, range)).toThrow(
      '0 arguments given; allowed: a directory (1)',
    );
    expect(() => parseCommand(['a', 'b'], spec, { min: 2, max: 3, what: 'x' })).not.toThrow();
    expect(() => parseFlags(['extra'], specs)).toThrow(
      "unexpected argument 'extra'; flags look like --name value",
    );
  });

  it('reads --name=value, negative numbers as values, and knows -h from unknown short flags', () => {
    expect(parseFlags(['--seed=4', '--out=a=b'], specs)).toMatchObject({ seed: 4, out: 'a=b' });
    expect(() => parseFlags(['--seed', '-1'], specs)).toThrow('--seed -1 is out of range');
    expect(() => parseFlags(['-x'], specs)).toThrow('unknown flag -x');
    expect(wantsHelp(['--seed', '1', '-h'])).toBe(true);
    expect(wantsHelp(['--', '--help'])).toBe(false);
    expect(helpText('usage: x', specs)).toContain('--help, -h');
  });
});

describe('scriptFlags', () => {
  afterEach(() => vi.restoreAllMocks());

  /** Runs scriptFlags with process.exit and the output streams captured. */
  function run(argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((text) => out.push(String(text)) > 0);
    vi.spyOn(process.stderr, 'write').mockImplementation((text) => err.push(String(text)) > 0);
    vi.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`exit ${code}`);
    });
    let result: unknown;
    try {
      result = scriptFlags('usage: bench [flags]', specs, argv);
    } catch (error) {
      result = (error as Error).message;
    }
    vi.restoreAllMocks();
    return { result, out: out.join(''), err: err.join('') };
  }

  it('returns the flags, prints help with exit 0, and a usage error in one line with exit 2', () => {
    expect(run(['--seed=2']).result).toMatchObject({ seed: 2, task: 'cartpole-swingup' });
    const help = run(['-h']);
    expect(help.result).toBe('exit 0');
    expect(help.out).toContain('usage: bench [flags]');
    expect(help.out).toContain('--seed');
    const bad = run(['--seed', 'x']);
    expect(bad.result).toBe('exit 2');
    expect(bad.err).toBe("--seed 'x' is not an integer >= 0\n");
  });
});
