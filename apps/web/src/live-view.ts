/**
 * Live: the agent acts in MuJoCo WebAssembly at the task's control rate (or as fast as planning
 * allows), from pixels; beside the real frame, the world model's open-loop prediction of the
 * next 12 frames under the chosen plan, the predicted and true reward, and the return so far.
 */
import { LiveSession, type LiveStep, PREDICTED_FRAMES, type WebExport } from '@vmbrl/agents';
import { getTaskSpec } from '@vmbrl/envs';
import { drawFrame, drawStrip, frameCanvas } from './draw.js';

export interface LiveView {
  element: HTMLElement;
  /** Plays until the episode ends (or `maxSteps`); resolves with the return. */
  play(maxSteps?: number): Promise<number>;
  pause(): void;
  /** One agent step, drawn. */
  step(): Promise<LiveStep | null>;
  /** Agent steps per second of the last run of play(). */
  stepsPerSecond(): number;
  session: LiveSession;
}

export async function createLiveView(exported: WebExport, seed: number): Promise<LiveView> {
  const session = await LiveSession.create(exported, { seed });
  const { config } = exported.manifest;
  const controlSeconds = getTaskSpec(config.task).controlTimestep * config.actionRepeat;
  const element = document.createElement('section');
  element.id = 'live';
  const real = frameCanvas('live-real', 4);
  const predicted = frameCanvas('live-predicted', 1.5, PREDICTED_FRAMES);
  const stats = document.createElement('pre');
  stats.id = 'live-stats';
  const play = button('live-play', 'Play');
  const reset = button('live-reset', 'New episode');
  element.append(
    heading(`Live: ${config.task}, ${config.agent} (${config.preset})`),
    row(
      labelled('real 64x64 frame', real),
      labelled('predicted next 12 frames (open loop, the chosen plan)', predicted),
    ),
    row(play, reset),
    stats,
  );
  drawFrame(real, session.frame, 4);

  let running = false;
  let rate = 0;
  let planRate = 0;
  let last: LiveStep | null = null;
  const show = (step: LiveStep | null) => {
    const lines = [
      `step ${step?.steps ?? 0}${session.done ? ' (episode over)' : ''}`,
      `predicted reward ${step ? (step.predictedRewards[0] as number).toFixed(3) : '-'}`,
      `true reward      ${step ? step.reward.toFixed(3) : '-'}`,
      `return so far    ${session.episodeReturn.toFixed(3)}`,
      `control rate     ${(1 / controlSeconds).toFixed(1)} steps/s; agent can act at ${planRate.toFixed(1)} steps/s, played at ${rate.toFixed(1)} (CEM H=${config.planner.horizon} I=${config.planner.iterations} J=${config.planner.candidates})`,
    ];
    stats.textContent = lines.join('\n');
  };
  show(null);

  const step = async () => {
    if (session.done) return null;
    const began = performance.now();
    const result = await session.step();
    // Planning + prediction + env step, smoothed: how fast the agent can act here.
    const now = 1000 / Math.max(1, performance.now() - began);
    planRate = planRate === 0 ? now : 0.8 * planRate + 0.2 * now;
    last = result;
    drawFrame(real, result.frame, 4);
    drawStrip(predicted, result.predicted, 1.5);
    show(result);
    return result;
  };
  const view: LiveView = {
    element,
    session,
    step,
    stepsPerSecond: () => rate,
    pause: () => {
      running = false;
      play.textContent = 'Play';
    },
    async play(maxSteps = Number.POSITIVE_INFINITY) {
      running = true;
      play.textContent = 'Pause';
      const start = performance.now();
      let steps = 0;
      while (running && !session.done && steps < maxSteps) {
        const began = performance.now();
        await step();
        steps += 1;
        rate = (1000 * steps) / (performance.now() - start);
        // Not faster than the task's control rate; yield to the page either way.
        const wait = Math.max(0, controlSeconds * 1000 - (performance.now() - began));
        await new Promise((r) => setTimeout(r, wait));
      }
      show(last);
      view.pause();
      return session.episodeReturn;
    },
  };
  play.onclick = () => (running ? view.pause() : void view.play());
  reset.onclick = () => {
    view.pause();
    session.reset();
    last = null;
    drawFrame(real, session.frame, 4);
    show(null);
  };
  return view;
}

export function button(id: string, text: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.id = id;
  b.textContent = text;
  return b;
}

export function heading(text: string): HTMLElement {
  const h = document.createElement('h2');
  h.textContent = text;
  return h;
}

export function row(...children: HTMLElement[]): HTMLElement {
  const div = document.createElement('div');
  div.className = 'row';
  div.append(...children);
  return div;
}

export function labelled(text: string, child: HTMLElement): HTMLElement {
  const figure = document.createElement('figure');
  const caption = document.createElement('figcaption');
  caption.textContent = text;
  figure.append(child, caption);
  return figure;
}
