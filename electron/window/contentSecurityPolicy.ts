/**
 * The window's Content-Security-Policy. renderer/index.html carries the same policy as a meta tag;
 * main also sends it as a response header with every file of the app:// protocol (appProtocol.ts) and
 * for any other response that has headers. tests/unit/shell checks the two copies are identical.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'none'; base-uri 'none'; form-action 'none'";
