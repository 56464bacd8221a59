/**
 * @vmbrl/objectives: Dreamer's actor-critic in imagination and ALM's aligned objectives.
 */
export {};
