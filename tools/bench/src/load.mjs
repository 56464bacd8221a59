/**
 * Other processes' CPU load during a timed block, in cores: the machine's busy CPU time from
 * /proc/stat (all CPUs; user + nice + system + irq + softirq + steal) over the block, minus this
 * process's own CPU time (process.cpuUsage(): every thread, so the wasm pool is included),
 * divided by the block's wall time. The PyTorch reference computes the same figure the same way
 * (planet_bench.py `timed`). Linux only; elsewhere `otherCores` is null.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

let ticksPerSecond;

/** USER_HZ, the unit of /proc/stat (`getconf CLK_TCK`, 100 when that fails). */
function clockTicks() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Busy CPU seconds of the whole machine since boot, or null without /proc/stat. */
export function machineBusySeconds() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const busy = v.reduce((a, b) => a + b, 0) - v[3] - v[4]; // minus idle and iowait
    return busy / clockTicks();
  } catch {
    return null;
  }
}

/** This process's CPU seconds (user + system, all threads). */
function ownSeconds() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

const round2 = (x) => Math.round(x * 100) / 100;

/**
 * Starts a load window; call the returned function at the end of the block.
 * @returns {() => { wallMs: number, ownCores: number, otherCores: number | null, loadAverage: { before: number[], after: number[] } }}
 */
export function startLoadWindow() {
  clockTicks(); // resolve before timing starts
  const loadBefore = os.loadavg();
  const busy0 = machineBusySeconds();
  const own0 = ownSeconds();
  const wall0 = performance.now();
  return () => {
    const wall = (performance.now() - wall0) / 1e3;
    const own = ownSeconds() - own0;
    const busy1 = machineBusySeconds();
    const other = busy0 === null || busy1 === null ? null : Math.max(0, busy1 - busy0 - own);
    return {
      wallMs: round2(wall * 1e3),
      ownCores: round2(own / wall),
      otherCores: other === null ? null : round2(other / wall),
      loadAverage: { before: loadBefore.map(round2), after: os.loadavg().map(round2) },
    };
  };
}
