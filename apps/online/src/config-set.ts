/**
 * `--set PATH=VALUE`: overrides any field of a resolved config by its dotted path
 * (`updatesPerEpisode=50`, `dreamer.actorLr=8e-5`, `planner.candidates=200`). VALUE is read as
 * JSON when it parses (numbers, true/false, null, lists) and as text otherwise. The path must
 * name an existing field and the value must keep its type, so a typo fails before a run starts.
 */
import { UsageError, applyConfigSets } from '@vmbrl/core';

// The setter lives in core (the study files of apps/ablation use it too).
export { applyConfigSets };

/**
 * Resolves a run config, applies `--set` to it and validates the result; every error becomes
 * a UsageError (one line, exit code 2), before anything is written.
 */
export function resolveWithSets<T extends object>(
  resolveConfig: () => T,
  sets: readonly string[],
  validate: (config: T) => void,
): T {
  try {
    const config = applyConfigSets(resolveConfig(), sets);
    validate(config);
    return config;
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError((error as Error).message);
  }
}
