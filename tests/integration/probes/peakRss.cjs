// Preloaded (`node -r`) into the built CLI by boundedMemory.test.ts: at exit, writes the process's peak RSS and
// the CommonJS modules it loaded to the file named by MD_PROCESS_REPORT_FILE (the ESM loads are noted by
// recordLoads.mjs). Test-only: the packaged app never loads this file.
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload has only require()
const fs = require('node:fs');

process.on('exit', () => {
  const report = { maxRssKiB: process.resourceUsage().maxRSS, required: Object.keys(require.cache) };
  fs.writeFileSync(process.env.MD_PROCESS_REPORT_FILE, JSON.stringify(report));
});
