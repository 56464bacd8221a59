/**
 * SIGINT/SIGTERM as an AbortSignal for the engines: the first signal asks them to stop their
 * programs cleanly (each gets SIGTERM and checkpoints); a second one exits at once (the
 * programs' guards then stop them). A CLI exits with `exitCode()` afterwards: 130 for SIGINT,
 * 143 for SIGTERM, as a shell reports a process killed by them.
 */
const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGTERM: 15 };

export interface SignalStop {
  signal: AbortSignal;
  /** The signal received, or null. */
  received(): NodeJS.Signals | null;
  /** 128 + the signal's number, or null when none was received. */
  exitCode(): number | null;
  /** Removes the handlers. */
  dispose(): void;
}

export function abortOnSignals(signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): SignalStop {
  const controller = new AbortController();
  let received: NodeJS.Signals | null = null;
  const code = (signal: NodeJS.Signals) => 128 + (SIGNAL_NUMBERS[signal] ?? 0);
  const handler = (signal: NodeJS.Signals) => {
    if (received !== null) process.exit(code(signal));
    received = signal;
    controller.abort(new Error(`stopped by ${signal}`));
  };
  for (const signal of signals) process.on(signal, handler);
  return {
    signal: controller.signal,
    received: () => received,
    exitCode: () => (received === null ? null : code(received)),
    dispose: () => {
      for (const signal of signals) process.off(signal, handler);
    },
  };
}
