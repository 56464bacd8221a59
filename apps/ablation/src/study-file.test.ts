import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type PlanetRunConfig, type RunConfig, resolveRunConfig } from '@vmbrl/agents';
import { type Overlay, UsageError, exitCodeOf } from '@vmbrl/core';
import { cellId } from '@vmbrl/sweep';
import { describe, expect, it } from 'vitest';
import { declaredRemainingMs } from './cell-state.js';
import { type CellConfig, planStudy } from './plan.js';
import { parseStudyText, readStudyFile } from './study-file.js';

/** The run config of an online cell (undefined for none or an offline one). */
const onlineRun = (cell: { config: CellConfig } | null | undefined): RunConfig | undefined =>
  cell?.config.protocol === 'online' ? cell.config.run : undefined;

const GOOD = `name: t
preset: debug
designs:
  - LTLR
  - name: LTLR-rnn
    design: LTLR
    settings:
      model.model.variant: rnn
tasks: [cartpole-swingup]
seeds: [0, 1]
settings:
  maxEpisodes: 6
  evalEvery: 2
`;

const plan = (text: string, scale?: number) =>
  planStudy(parseStudyText(text, 'study.yaml'), { scale });

/** The message of the usage error `run` throws (and checks it is one: exit 2). */
function usageError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect(exitCodeOf(error)).toBe(2);
    return (error as Error).message;
  }
  throw new Error('no error was thrown');
}

describe('study files', () => {
  it('expand into one cell per design x task x seed, each the resolved config by hand', () => {
    const { cells, runnable } = plan(GOOD);
    expect(cells.map((c) => [c.design, c.seed])).toEqual([
      ['LTLR', 0],
      ['LTLR', 1],
      ['LTLR-rnn', 0],
      ['LTLR-rnn', 1],
    ]);
    const expected = resolveRunConfig('study', 'debug', 'cartpole-swingup', 1, {
      design: 'LTLR',
      maxEpisodes: 6,
      evalEvery: 2,
      model: { model: { variant: 'rnn' } },
    } as Overlay<RunConfig>);
    expect(onlineRun(cells[3].cell)).toEqual(expected);
    expect(cells[3].cell?.id).toBe(cellId({ protocol: 'online', run: expected }));
    expect(new Set(runnable.map((c) => c.id)).size).toBe(4);
  });

  it('keeps the ids of existing cells when a seed, a task or a label changes', () => {
    const before = plan(GOOD).cells.map((c) => c.cell?.id);
    const more = plan(GOOD.replace('seeds: [0, 1]', 'seeds: [0, 1, 2]')).cells;
    expect(more.map((c) => c.cell?.id)).toEqual(expect.arrayContaining(before));
    expect(more).toHaveLength(6);
    const renamed = plan(GOOD.replace('LTLR-rnn', 'RNN')).cells.map((c) => c.cell?.id);
    expect(renamed).toEqual(before);
  });

  it('sweeps the product of its axes and scales budgets', () => {
    const text = `${GOOD}sweep:\n  planner.horizon: [4, 8]\n  model.model.freeNats: [1, 3]\n`;
    const { cells } = plan(text);
    expect(cells).toHaveLength(2 * 2 * 4);
    expect(new Set(cells.map((c) => c.point))).toEqual(
      new Set([
        'planner.horizon=4, model.model.freeNats=1',
        'planner.horizon=4, model.model.freeNats=3',
        'planner.horizon=8, model.model.freeNats=1',
        'planner.horizon=8, model.model.freeNats=3',
      ]),
    );
    const scaled = onlineRun(plan(GOOD, 0.5).cells[0].cell);
    // 6 episodes x 0.5 = 3 (>= seed episodes 2 + 1); evaluation every 2 x 0.5 = 1.
    expect([scaled?.maxEpisodes, scaled?.evalEvery]).toEqual([3, 1]);
  });

  it('estimates the remaining time from cell_seconds before any cell is done', () => {
    const text = `${GOOD}cell_seconds:\n  LTLR: 30\n  LTLR-rnn: 90\n`;
    const planned = plan(text);
    // 2 seeds of each: (2 x 30 + 2 x 90) CPU seconds over 2 cores.
    expect(declaredRemainingMs(planned, new Map(), 2)).toBe(((2 * 30 + 2 * 90) * 1000) / 2);
    const id = planned.cells[0].cell?.id as string;
    const half = new Map([[id, { state: 'partial' as const, progress: 0.5, attempts: 1 }]]);
    expect(declaredRemainingMs(planned, half, 1)).toBe((15 + 30 + 2 * 90) * 1000);
    const without = plan(`${GOOD}cell_seconds:\n  LTLR: 30\n`);
    expect(declaredRemainingMs(without, new Map(), 2)).toBeNull();
  });

  it('lists the designs this build cannot run as unavailable, with the reason', () => {
    const text =
      'name: t\npreset: debug\nbehaviours: [cem, actor-critic]\ndesigns: [LTLR, R]\ntasks: [cartpole-swingup]\nseeds: [0, 1]\n';
    const { cells, runnable } = plan(text);
    const r = cells.filter((c) => c.design === 'R' && c.behaviour === 'actor-critic');
    expect(r).toHaveLength(2);
    expect(r[0].cell).toBeNull();
    expect(r[0].unavailable).toMatch(/plans with CEM/);
    // LTLR and R under CEM are the study agent; LTLR under the actor-critic is Dreamer.
    const ltlr = cells.find((c) => c.design === 'LTLR' && c.behaviour === 'cem');
    expect(onlineRun(ltlr?.cell)?.agent).toBe('study');
    expect(runnable).toHaveLength(2 * 3);
  });

  it('names the file, line, key and what is allowed for bad input', () => {
    const cases: [string, RegExp][] = [
      [
        GOOD.replace('  - LTLR\n', '  - LTXR\n'),
        /study.yaml:4: designs\[0\]: unknown design 'LTXR'; allowed: R, OTOR, OTLR, LTOR, LTLR, oracle, PlaNet/,
      ],
      [
        GOOD.replace('design: LTLR', 'design: Q'),
        /study.yaml:6: designs\[1\].design: unknown design 'Q'/,
      ],
      [
        GOOD.replace('[cartpole-swingup]', '[cartpole-swingup, pong]'),
        /study.yaml:9: tasks\[1\]: unknown task 'pong'; allowed: .*cartpole-swingup/,
      ],
      [GOOD.replace('seeds: [0, 1]', 'seeds: [0, 1.5]'), /study.yaml:10: seeds\[1\]: .*integer/],
      [
        GOOD.replace('seeds: [0, 1]', 'seeds: [0, one]'),
        /study.yaml:10: seeds\[1\]: "one" is not a number/,
      ],
      [
        GOOD.replace('  evalEvery: 2', '  evalEvry: 2'),
        /study.yaml:13: settings.evalEvry: no config field 'evalEvry'; allowed: .*evalEvery/,
      ],
      [
        GOOD.replace('model.variant: rnn', 'model.variant: lstm'),
        /study.yaml:8: designs\[1\].settings.model.model.variant: .*variant = "lstm" is invalid; allowed: rssm, ssm, rnn/,
      ],
      [
        GOOD.replace('model.variant: rnn', 'model.variant: 3'),
        /study.yaml:8: .*model.model.variant=3: the field holds a string/,
      ],
      [
        `${GOOD}colour: red\n`,
        /study.yaml:1: \(top level\): unknown key\(s\) colour; allowed: name, description/,
      ],
      [
        GOOD.replace('preset: debug', 'preset: huge'),
        /study.yaml:2: preset: not allowed; choose one of: paper, quick, debug/,
      ],
      [GOOD.replace('name: t\n', ''), /study.yaml:1: name: missing; it is required/],
      [
        GOOD.replace('tasks: [cartpole-swingup]', 'tasks: [cartpole-swingup'),
        /study.yaml:\d+:\d+: not valid YAML/,
      ],
    ];
    for (const [text, pattern] of cases) expect(usageError(() => plan(text))).toMatch(pattern);
  });
});

describe('the shipped study files', () => {
  const dir = fileURLToPath(new URL('../../../studies/', import.meta.url));
  const files = readdirSync(dir).filter((name) => name.endsWith('.yaml'));

  it('all plan, with one cell per design x behaviour x task x point x seed', () => {
    expect(files).toEqual(expect.arrayContaining(['paper.yaml', 'tiny.yaml']));
    for (const name of files) {
      const { cells } = planStudy(readStudyFile(join(dir, name)));
      const { spec } = readStudyFile(join(dir, name));
      const points = Object.values(spec.sweep).reduce((n, values) => n * values.length, 1);
      expect(cells).toHaveLength(
        spec.designs.length *
          spec.behaviours.length *
          spec.tasks.length *
          points *
          spec.seeds.length,
      );
    }
  });

  it("paper.yaml is the paper's protocol: 7 tasks, 3 seeds, 1000 episodes, evaluation every 10, action repeat 4, Table 10's CEM", () => {
    const { cells } = planStudy(readStudyFile(join(dir, 'paper.yaml')));
    expect(new Set(cells.map((c) => c.task)).size).toBe(7);
    expect(new Set(cells.map((c) => c.seed))).toEqual(new Set([0, 1, 2]));
    expect(new Set(cells.map((c) => c.design))).toEqual(
      new Set(['R', 'OTOR', 'OTLR', 'LTLR', 'LTOR', 'oracle']),
    );
    const ltlr = onlineRun(cells.find((c) => c.design === 'LTLR')?.cell) as PlanetRunConfig;
    expect([ltlr.agent, (ltlr as unknown as { design: string }).design]).toEqual(['study', 'LTLR']);
    expect([ltlr.actionRepeat, ltlr.maxEpisodes, ltlr.evalEvery]).toEqual([4, 1000, 10]);
    expect(ltlr.planner).toEqual({ horizon: 12, iterations: 10, candidates: 128, topK: 12 });
  });
});
