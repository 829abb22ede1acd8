/**
 * Runs readMailEvidence in its own process (for the memory-bound and permission tests) and prints
 * {evidence, rssGrowthKb}: how much the process's peak RSS grew during the read.
 * Usage: node --import tsx readerChild.ts '<json {home, account, now, options}>'
 */
import { readMailEvidence, type EvidenceAccountRef } from '../../../electron/evidence/readMailEvidence';

interface ChildInput {
  readonly home: string;
  readonly account: EvidenceAccountRef;
  readonly now: string;
  readonly tailBytes?: number;
}

const input = JSON.parse(process.argv[2] ?? '{}') as ChildInput;
const peakBeforeKb = process.resourceUsage().maxRSS;
const evidence = await readMailEvidence({
  home: input.home,
  account: input.account,
  now: new Date(input.now),
  options: { unifiedLog: false, ...(input.tailBytes !== undefined ? { tailBytes: input.tailBytes } : {}) },
});
const rssGrowthKb = process.resourceUsage().maxRSS - peakBeforeKb;
process.stdout.write(JSON.stringify({ evidence, rssGrowthKb }));
