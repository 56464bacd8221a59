/** Reading a web export over HTTP, with the URL and status in every error. */
import { type ExportReader, type WebExport, loadWebExport } from '@vmbrl/agents';

/** Loads the export at `base` (a URL of its directory, relative to the page or absolute). */
export function fetchExport(base: string): Promise<WebExport> {
  const root = new URL(base.endsWith('/') ? base : `${base}/`, document.baseURI);
  const get = async (path: string) => {
    const url = new URL(path, root);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
    return response;
  };
  const reader: ExportReader = {
    text: async (path) => (await get(path)).text(),
    bytes: async (path) => new Uint8Array(await (await get(path)).arrayBuffer()),
  };
  return loadWebExport(reader, root.pathname.replace(/\/$/, ''));
}
