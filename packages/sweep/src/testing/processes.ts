/** Real child processes for the tests (from `@vmbrl/core/testing`) and this package's fixtures. */
import { fileURLToPath } from 'node:url';

export { type NodeProcess, startNode, waitUntil } from '@vmbrl/core/testing';

export const fixture = (name: string) =>
  fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
