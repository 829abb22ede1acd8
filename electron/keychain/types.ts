import type { Secret } from './secret';

/** What one read from one keychain source gave. The secret never leaves electron/. */
export type SourceReadOutcome =
  | { readonly kind: 'found'; readonly secret: Secret; readonly detail: string }
  | { readonly kind: 'not-found'; readonly detail: string }
  | { readonly kind: 'denied'; readonly detail: string }
  | { readonly kind: 'not-applicable'; readonly detail: string }
  | { readonly kind: 'error'; readonly detail: string };
