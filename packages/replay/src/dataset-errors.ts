/**
 * The dataset tools' two kinds of refusal. A request that cannot be done as asked (a directory
 * that is not a dataset, datasets of different tasks, nothing to split) is a
 * {@link DatasetUsageError}: command lines exit with code 2, like a bad flag. A file whose
 * content is wrong (a corrupt episode, a checksum that does not match, a damaged manifest) is an
 * `EpisodeFileError` (./npz), whose message starts with the file's path: exit code 1.
 */
import { UsageError } from '@vmbrl/core';

/**
 * A dataset request refused before anything was written; the message says what is allowed.
 * A usage error in core's CLI convention (exit code 2).
 */
export class DatasetUsageError extends UsageError {
  override name = 'DatasetUsageError';
}
