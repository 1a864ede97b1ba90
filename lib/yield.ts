/**
 * A macrotask boundary for long synchronous solver work. Awaiting an already-resolved promise only
 * runs microtasks, so a caller that awaits many synchronous solves in a loop (a sweep, a rolling
 * horizon, a test) would hold the event loop for all of them: timers, child-process pipes and
 * RPC replies (vitest's worker RPC times out after 60 s) wait until the loop ends. Heuristics
 * await this at the start of every solve and between their phases, so no single block of
 * synchronous work is longer than one phase.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
