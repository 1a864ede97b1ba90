// Flag values shared by several commands, parsed here so that errors stay InputErrors (yargs' coerce rewraps them).

/**
 * Numbers stay numbers; anything else is passed on so the grid's error message can quote it. So is
 * an integer beyond 2^53, which a double would round (9007199254740993 would be quoted as …992).
 */
export function numberOrText(t: string): number | string {
  const x = Number(t);
  if (/^\s*-?\d+\s*$/.test(t) && !Number.isSafeInteger(x)) return t.trim();
  return t.trim() !== '' && Number.isFinite(x) ? x : t;
}
