/**
 * An error caused by input the user controls (a flag, a file, a field). The CLI prints its
 * message on one line without a stack trace; everything else is a bug and keeps its stack.
 * Messages name the file, line or field and what was expected.
 */
export class InputError extends Error {
  override name = 'InputError';
}
