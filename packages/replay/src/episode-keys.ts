/**
 * Which keys make an episode file readable. Our files (and Dreamer-v1's) hold `action`,
 * `reward`, `discount` and `image` and/or `state`. DreamerV3 stores the same steps with the flags
 * `is_first`, `is_last` and `is_terminal` instead of `discount`, and its action column belongs to
 * the step it was taken in, not the step it led to: such files must be converted, not read.
 */

/** The keys every episode file needs, plus one of {@link OBSERVATION_KEYS}. */
export const REQUIRED_KEYS = ['action', 'reward', 'discount'] as const;
export const OBSERVATION_KEYS = ['image', 'state'] as const;
/** DreamerV3's step flags. */
export const DREAMERV3_FLAG_KEYS = ['is_first', 'is_last', 'is_terminal'] as const;

/** True when the keys are those of a DreamerV3-style episode. */
export function isDreamerV3Keys(keys: ReadonlySet<string>): boolean {
  return DREAMERV3_FLAG_KEYS.every((k) => keys.has(k)) && !keys.has('discount');
}

/**
 * Throws (with what is missing and what is allowed) unless `keys` make an episode file; the
 * caller prefixes the file name.
 */
export function checkEpisodeKeys(keys: ReadonlySet<string>): void {
  const allowed = `an episode file needs ${REQUIRED_KEYS.join(', ')} and image or state`;
  if (isDreamerV3Keys(keys)) {
    throw new Error(
      `is a DreamerV3-style episode (keys ${DREAMERV3_FLAG_KEYS.join(', ')}, no discount); ${allowed} (Dreamer-v1 layout): convert it with \`vmbrl-dataset import-dreamerv3\``,
    );
  }
  for (const key of REQUIRED_KEYS) {
    if (!keys.has(key)) throw new Error(`missing key '${key}' (${allowed})`);
  }
  if (!OBSERVATION_KEYS.some((k) => keys.has(k))) {
    throw new Error(`missing key 'image' or 'state' (${allowed})`);
  }
}
