/**
 * Dream: the user drives the world model alone (keyboard or sliders), starting from a real
 * observed state of a recorded episode, and sees the decoded frames and predicted rewards.
 */
import { DreamSession, type PlanetAgent, type WebExport } from '@vmbrl/agents';
import { drawFrame, frameCanvas } from './draw.js';
import { button, heading, labelled, row } from './live-view.js';

export interface DreamView {
  element: HTMLElement;
  /** (Re)starts from frame `index` of recorded episode `episode`. */
  start(episode: number, index: number): void;
  /** One imagined step with the sliders' action (or `action`). */
  step(action?: number[]): void;
  /** The current decoded frame, 64x64x3. */
  frame(): Uint8Array;
}

/** Keys: arrows set the first action dimension to -1 / +1, Up/Down 0; Space or Enter steps. */
export function createDreamView(exported: WebExport, agent: PlanetAgent): DreamView {
  const a = exported.manifest.actionDim;
  const element = document.createElement('section');
  element.id = 'dream';
  const startCanvas = frameCanvas('dream-start', 3);
  const dreamCanvas = frameCanvas('dream-frame', 3);
  const stats = document.createElement('pre');
  stats.id = 'dream-stats';
  const sliders = Array.from({ length: a }, (_, i) => {
    const input = document.createElement('input');
    input.type = 'range';
    input.min = '-1';
    input.max = '1';
    input.step = '0.05';
    input.value = '0';
    input.id = `dream-action-${i}`;
    return input;
  });
  const episodeInput = document.createElement('input');
  episodeInput.type = 'number';
  episodeInput.id = 'dream-start-index';
  episodeInput.min = '0';
  episodeInput.max = String((exported.episodes[0]?.length ?? 1) - 1);
  episodeInput.value = '10';
  const stepButton = button('dream-step', 'Step (Space)');
  const restart = button('dream-restart', 'Start from real frame');
  element.append(
    heading('Dream: drive the world model alone'),
    row(labelled('real start frame', startCanvas), labelled('imagined (decoded)', dreamCanvas)),
    row(
      ...sliders.map((s, i) => labelled(`action ${i} (Left/Right keys)`, s)),
      labelled('start at frame', episodeInput),
      restart,
      stepButton,
    ),
    stats,
  );

  let session: DreamSession | null = null;
  let last = { reward: 0, return: 0, steps: 0 };
  const show = () => {
    stats.textContent = [
      `imagined steps ${last.steps}`,
      `predicted reward ${last.reward.toFixed(3)}`,
      `predicted return ${last.return.toFixed(3)}`,
    ].join('\n');
  };
  const view: DreamView = {
    element,
    start(episode, index) {
      session?.dispose();
      const recorded = exported.episodes[episode];
      if (!recorded) throw new Error(`the export has no recorded episode ${episode}`);
      const at = Math.min(Math.max(0, index), recorded.length - 1);
      session = DreamSession.start(agent, recorded, at);
      last = { reward: 0, return: 0, steps: 0 };
      drawFrame(startCanvas, session.startFrame, 3);
      drawFrame(dreamCanvas, session.frame(), 3);
      show();
    },
    step(action) {
      if (!session) view.start(0, Number(episodeInput.value));
      const values = action ?? sliders.map((s) => Number(s.value));
      const result = (session as DreamSession).step(values);
      last = result;
      drawFrame(dreamCanvas, result.frame, 3);
      show();
    },
    frame: () => (session as DreamSession).frame(),
  };
  stepButton.onclick = () => view.step();
  restart.onclick = () => view.start(0, Number(episodeInput.value));
  element.tabIndex = 0;
  element.addEventListener('keydown', (event) => {
    const first = sliders[0];
    if (!first) return;
    if (event.key === 'ArrowLeft') first.value = '-1';
    else if (event.key === 'ArrowRight') first.value = '1';
    else if (event.key === 'ArrowUp' || event.key === 'ArrowDown') first.value = '0';
    else if (event.key === ' ' || event.key === 'Enter') view.step();
    else return;
    event.preventDefault();
  });
  return view;
}
