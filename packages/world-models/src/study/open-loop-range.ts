import type { SequenceBatch } from '../types.js';

/**
 * Checks an open-loop request (`StudyModel.predict`): `context` observed steps then `horizon`
 * predicted ones must fit in the batch's sequences. Throws naming `where` and the numbers.
 */
export function checkOpenLoopRange(
  batch: SequenceBatch,
  context: number,
  horizon: number,
  where: string,
): void {
  if (!Number.isInteger(context) || context < 1 || !Number.isInteger(horizon) || horizon < 1) {
    throw new Error(`${where}: context ${context} and horizon ${horizon} must be integers >= 1`);
  }
  if (context + horizon > batch.length) {
    throw new Error(
      `${where}: context ${context} + horizon ${horizon} exceeds the sequence length ${batch.length}`,
    );
  }
}
