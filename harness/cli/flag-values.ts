// Flag values shared by several commands, parsed here so that errors stay InputErrors (yargs' coerce rewraps them).

/** Numbers stay numbers; anything else is passed on so the grid's error message can quote it. */
export function numberOrText(t: string): number | string {
  return t.trim() !== '' && Number.isFinite(Number(t)) ? Number(t) : t;
}
