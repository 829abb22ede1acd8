/** Reading what went wrong from a caught `unknown` (Node system errors carry a string `code`). */

/** The `code` of a Node error (EPERM, ENOENT, ECONNREFUSED, ERR_TLS_...), if it has one. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

/** The code of a Node error, or a fallback. */
export function errorCodeOf(error: unknown, fallback = 'ERROR'): string {
  return errnoCode(error) ?? fallback;
}

export function errorMessageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
