import { defineConfig } from 'vitest/config';

// One vitest run for unit and integration tests. The globalSetup starts the real loopback mail servers
// (Dovecot, Exim, dnsmasq) once per run and provides their ports/CA/users to tests (tests/servers/README.md).
// Playwright specs live in tests/e2e and are run by Playwright, not vitest. Electron is mocked per test file.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    exclude: ['tests/e2e/**', '**/node_modules/**', '**/dist/**'],
    globalSetup: ['tests/servers/globalSetup.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
