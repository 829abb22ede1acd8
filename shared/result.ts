/**
 * The one result shape that crosses a process boundary (IPC, the preview bridge) and that fallible
 * operations return instead of throwing. `message` is user-safe: it never carries a secret.
 */
export type Result<T, C extends string = string> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: { readonly code: C; readonly message: string } };

export function ok<T>(value: T): Result<T, never> {
  return { ok: true, value };
}

export function err<C extends string>(code: C, message: string): Result<never, C> {
  return { ok: false, error: { code, message } };
}
