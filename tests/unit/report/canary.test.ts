/**
 * The report is built from whitelisted fields only. A DiagnosisRun has no secret field by type, so the
 * way a secret could still get in is an object carrying more than its type says (a debugging leftover,
 * an error object, a credential attached "for later"). Plant a canary password as an extra property on
 * every object and array of a realistic run, in every shape a careless serialiser would pick up
 * (enumerable property, toJSON, a getter), and count it in the output.
 */
import { describe, expect, it } from 'vitest';
import type { DiagnosisRun } from '../../../shared/diagnosis/types';
import { Secret } from '../../../electron/keychain/secret';
import { createSecretScrubber } from '../../../electron/keychain/secretForms';
import { buildSupportReport } from '../../../electron/report/supportReport';
import { ENVIRONMENT, realisticRun } from './realisticRun';

const CANARY = 'Canary-Pa55word!7f3c9e';

/** Deep-copies `value`, adding canary-bearing properties to every object and array. Returns the count planted. */
function plantCanaries(value: unknown, counter: { planted: number }): unknown {
  if (Array.isArray(value)) {
    const copy: unknown[] & { password?: string } = value.map((element) => plantCanaries(element, counter));
    copy.password = CANARY;
    counter.planted += 1;
    return copy;
  }
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) copy[key] = plantCanaries(child, counter);
    copy['password'] = CANARY;
    copy['secret'] = new Secret(CANARY);
    copy['error'] = { message: `login failed for user with password ${CANARY}` };
    Object.defineProperty(copy, 'token', { enumerable: true, get: () => CANARY });
    counter.planted += 1;
    return copy;
  }
  return value;
}

describe('support report canary', () => {
  const counter = { planted: 0 };
  // The cast is the point of the test: the object carries more than its type admits.
  const contaminated = plantCanaries(realisticRun(), counter) as DiagnosisRun;

  it('planted canaries everywhere (the test exercises every object of the run)', () => {
    expect(counter.planted).toBeGreaterThan(100);
    expect(JSON.stringify(contaminated)).toContain(CANARY);
  });

  for (const maskIdentities of [false, true]) {
    it(`0 occurrences in the Markdown and the JSON (maskIdentities: ${String(maskIdentities)})`, () => {
      const report = buildSupportReport(contaminated, ENVIRONMENT, { maskIdentities });
      const jsonText = JSON.stringify(report.json);
      expect(report.markdown.split(CANARY)).toHaveLength(1);
      expect(jsonText.split(CANARY)).toHaveLength(1);
      // In no encoding either (the exit guards would replace one, but the report must not need them).
      expect(createSecretScrubber([new Secret(CANARY)]).firstLeak(report.markdown)).toBeNull();
      expect(createSecretScrubber([CANARY]).firstLeak(jsonText)).toBeNull();
      // The report is the same as from the clean run: the extra properties changed nothing.
      expect(report).toEqual(buildSupportReport(realisticRun(), ENVIRONMENT, { maskIdentities }));
    });
  }
});
