/**
 * vitest global setup (vitest.config.ts): before the tests, prints why tests will skip on this
 * machine, one line per missing prerequisite, once per run (README "Install" promises a visible
 * message; vitest itself only counts skipped tests).
 */
import { skipReasons } from './prerequisites.ts';

export default function setup(): void {
  const lines = skipReasons();
  if (lines.length) process.stdout.write(`\n${lines.join('\n')}\n\n`);
}
