/**
 * The window's Content-Security-Policy. renderer/index.html carries the same policy as a meta tag
 * (the part that applies to file:// pages); main also sets it as a response header for any response
 * that has headers. tests/unit/shell checks the two copies are identical.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'none'; base-uri 'none'; form-action 'none'";
