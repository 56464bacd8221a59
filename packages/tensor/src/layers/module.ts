import { Rng, splitSeed } from '@vmbrl/core';
import * as tf from '../tf.js';

/** Options shared by every layer. */
export interface ModuleOptions {
  /** Prefix of the variable names (`<name>/<variable>`), stable across runs. */
  name?: string;
  /** Seed of the initialisation (uint32). Same seed -> same initial weights on any backend. */
  seed?: number;
}

/**
 * Base of all layers: owns named variables and child modules.
 * Variable names are `<module name>/<local name>` and children are named `<parent>/<child>`,
 * so `namedVariables()` gives keys that are stable across runs (for checkpoints).
 */
export abstract class Module {
  /** Full name of this module, the prefix of its variable names. */
  readonly name: string;
  /** Seed this module's initialisation derives from. */
  protected readonly seed: number;
  private readonly variables = new Map<string, tf.Variable>();
  private readonly children: Module[] = [];

  protected constructor(defaultName: string, options: ModuleOptions = {}) {
    this.name = options.name ?? defaultName;
    if (this.name === '' || this.name.endsWith('/')) {
      throw new Error(`Module name must be non-empty and not end with '/', got '${this.name}'`);
    }
    this.seed = options.seed ?? 0;
  }

  /** Registers a trainable variable `<name>/<localName>` holding `values`. */
  protected addVariable(localName: string, values: Float32Array, shape: number[]): tf.Variable {
    const fullName = `${this.name}/${localName}`;
    if (this.variables.has(fullName)) throw new Error(`Duplicate variable ${fullName}`);
    // tfjs variable names must be globally unique, ours need not be (two agents, target nets),
    // so the tfjs name is left automatic and our name lives in the map.
    const variable = tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), true));
    this.variables.set(fullName, variable);
    return variable;
  }

  /** Registers a child module (constructed with name `<this.name>/<local>`). */
  protected addChild<T extends Module>(child: T): T {
    this.children.push(child);
    return child;
  }

  /** Options for a child called `localName`: its full name and a seed derived from ours. */
  protected childOptions(localName: string): Required<ModuleOptions> {
    return { name: `${this.name}/${localName}`, seed: splitSeed(this.seed, localName) };
  }

  /** A generator for initialising the variable `localName` of this module. */
  protected rngFor(localName: string): Rng {
    return new Rng(splitSeed(this.seed, localName));
  }

  /** All variables of this module and its children by stable name. */
  namedVariables(): Map<string, tf.Variable> {
    const all = new Map(this.variables);
    for (const child of this.children) {
      for (const [name, variable] of child.namedVariables()) {
        if (all.has(name)) throw new Error(`Two variables are named ${name}`);
        all.set(name, variable);
      }
    }
    return all;
  }

  /** The trainable variables, in a stable order (the order of `namedVariables()`). */
  trainableVariables(): tf.Variable[] {
    return [...this.namedVariables().values()].filter((v) => v.trainable);
  }

  /** Number of scalar parameters. */
  parameterCount(): number {
    return this.trainableVariables().reduce((n, v) => n + v.size, 0);
  }

  /** Frees the variables of this module and its children. */
  dispose(): void {
    for (const variable of this.namedVariables().values()) variable.dispose();
  }
}
