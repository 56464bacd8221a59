import { describe, expect, it } from 'vitest';
import { errorSummary } from './queue-commands.js';

describe('errorSummary', () => {
  it("keeps a one-line error as it is and joins a program error's first and last lines", () => {
    expect(errorSummary('job c1: config does not validate')).toBe(
      'job c1: config does not validate',
    );
    // The runner's error: what failed, then the program's stderr tail (blank lines dropped).
    const error =
      'cell c0123456789abcdef: program exit code 1:\n  at run (cli.js:3)\n\nError: out of disk \n';
    expect(errorSummary(error)).toBe(
      'cell c0123456789abcdef: program exit code 1: … Error: out of disk',
    );
    expect(errorSummary('')).toBe('');
  });
});
