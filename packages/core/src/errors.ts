/** The error types of the command-line convention, without Node modules (the browser entry shares them). */

/** Raised for a bad command line: printed in one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A file that cannot be read or written as needed: printed in one line naming it, exit code 1. */
export class FileError extends Error {
  override name = 'FileError';

  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}
