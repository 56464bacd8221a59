/** The web page's side of the agents: exports of trained runs, acting live, dreaming. */
export {
  type ExportReader,
  WEB_EXPORT_FILE,
  type WebEpisode,
  type WebEpisodeEntry,
  type WebExport,
  type WebExportManifest,
  loadWebExport,
  restoreWebAgent,
} from './format.js';
export { type LiveStep, LiveSession, PREDICTED_FRAMES } from './live.js';
export { type DreamStep, DreamSession } from './dream.js';
