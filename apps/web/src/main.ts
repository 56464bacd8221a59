/**
 * The page: loads a web export (`?export=DIR`, default the shipped PlaNet quick export), starts
 * TensorFlow.js (WebGPU when it works, else wasm; `?backend=wasm` asks for wasm) and MuJoCo from
 * URLs, then shows Live, Dream, and Runs and studies. Any failure is shown on the page.
 * `window.vmbrlPage` exposes the views to the browser tests.
 */
import { type WebExport, restoreWebAgent } from '@vmbrl/agents';
import { setMujocoUrl } from '@vmbrl/envs';
import { type BrowserBackendName, initBrowserBackend } from '@vmbrl/tensor';
import { type DreamView, createDreamView } from './dream-view.js';
import { type LiveView, createLiveView } from './live-view.js';
import { fetchExport } from './load.js';
import { createRunsView } from './runs-view.js';

export const DEFAULT_EXPORT = 'exports/planet-cartpole-swingup-quick';

interface PageApi {
  ready: Promise<void>;
  backend?: string;
  exported?: WebExport;
  live?: LiveView;
  dream?: DreamView;
  error?: string;
}

const api: PageApi = { ready: Promise.resolve() };
(window as unknown as { vmbrlPage: PageApi }).vmbrlPage = api;

const byId = (id: string) => document.getElementById(id) as HTMLElement;

function showError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  api.error = message;
  const box = byId('error');
  box.hidden = false;
  box.textContent = `Could not start: ${message}`;
  byId('status').textContent = 'Failed; see the message above.';
}

function selectTab(name: string): void {
  for (const section of byId('main').querySelectorAll('section')) {
    // 'all' shows every section at once (the README's screenshot).
    (section as HTMLElement).hidden = name !== 'all' && section.id !== name;
  }
  for (const tab of document.querySelectorAll<HTMLButtonElement>('button.tab')) {
    tab.setAttribute('aria-selected', String(tab.dataset.tab === name));
  }
}

async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const base = params.get('export') ?? DEFAULT_EXPORT;
  const seed = Number(params.get('seed') ?? 0);
  const main = byId('main');
  main.append(createRunsView());
  for (const tab of document.querySelectorAll<HTMLButtonElement>('button.tab')) {
    tab.onclick = () => selectTab(tab.dataset.tab as string);
  }
  selectTab('live');
  setMujocoUrl(new URL('vendor/mujoco_wasm.js', document.baseURI).href);
  const backend = await initBrowserBackend({
    prefer: (params.get('backend') as BrowserBackendName | null) ?? 'webgpu',
    wasmPaths: new URL('vendor/', document.baseURI).href,
  });
  api.backend = backend.name;
  byId('backend').textContent = `backend: ${backend.description}`;
  byId('backend').title = backend.skipped.join('\n');
  byId('status').textContent = `Loading ${base} ...`;
  const exported = await fetchExport(base);
  api.exported = exported;
  const { source, config } = exported.manifest;
  byId('export-name').textContent =
    `${config.agent} ${config.preset} on ${config.task}: ${source.episodes} training episodes, last evaluation return ${source.evalReturn?.toFixed(1) ?? '-'}`;
  const live = await createLiveView(exported, seed);
  const dream = createDreamView(exported, await restoreWebAgent(exported));
  api.live = live;
  api.dream = dream;
  main.prepend(live.element, dream.element);
  selectTab(params.get('tab') ?? 'live');
  byId('status').textContent = 'Ready: press Play, or open Dream.';
  if (params.get('autoplay') !== null) void live.play();
}

api.ready = start().catch(showError);
