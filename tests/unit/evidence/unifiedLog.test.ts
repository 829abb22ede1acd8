import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UNIFIED_LOG_PREDICATE, classifyFormatString, readUnifiedLog } from '../../../electron/evidence/unifiedLog';
import { DECLINED_IDENTICAL_FORMAT, POST_AUTH_FORMAT, RATE_LIMITED_FORMAT, RECORDED_NDJSON_LINES, writeLogShowStandIn } from '../../fixtures/evidence';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
function folder(): string {
  const created = mkdtempSync(join(tmpdir(), 'h7-log-'));
  folders.push(created);
  return created;
}
const admin = (): Promise<boolean> => Promise.resolve(true);

describe('unified log', () => {
  it('classifies recorded accountsd and Mail lines by their template, skipping noise and malformed lines', async () => {
    const standIn = writeLogShowStandIn(folder(), { kind: 'print', lines: RECORDED_NDJSON_LINES });
    const evidence = await readUnifiedLog({ platform: 'darwin', logTool: standIn.tool, isAdministrator: admin });
    expect(evidence).toEqual({
      outcome: { kind: 'read' },
      events: [
        { at: '2026-03-04T08:10:00.000Z', kind: 'login-succeeded', process: 'Mail', template: POST_AUTH_FORMAT },
        { at: '2026-03-04T08:12:03.511Z', kind: 'renewal-declined-identical', process: 'accountsd', template: DECLINED_IDENTICAL_FORMAT },
        { at: '2026-03-04T08:13:00.250Z', kind: 'renewal-rate-limited', process: 'accountsd', template: RATE_LIMITED_FORMAT },
      ],
    });
    expect(readFileSync(standIn.argsFile, 'utf8').split('\n').slice(0, 7)).toEqual(['show', '--last', '24h', '--style', 'ndjson', '--predicate', UNIFIED_LOG_PREDICATE]);
  });

  it('is not applicable off macOS and needs an administrator for a standard user', async () => {
    expect((await readUnifiedLog({ platform: 'linux' })).outcome.kind).toBe('not-applicable');
    const standIn = writeLogShowStandIn(folder(), { kind: 'print', lines: RECORDED_NDJSON_LINES });
    const notAdmin = await readUnifiedLog({ platform: 'darwin', logTool: standIn.tool, isAdministrator: () => Promise.resolve(false) });
    expect(notAdmin).toEqual({ outcome: { kind: 'needs-administrator' }, events: [] });
    const throwing = await readUnifiedLog({ platform: 'darwin', logTool: standIn.tool, isAdministrator: () => Promise.reject(new Error('id failed')) });
    expect(throwing.outcome.kind).toBe('needs-administrator');
  });

  it('maps "Could not open local log store: Operation not permitted" to needs-administrator', async () => {
    const standIn = writeLogShowStandIn(folder(), { kind: 'not-admin' });
    expect((await readUnifiedLog({ platform: 'darwin', logTool: standIn.tool, isAdministrator: admin })).outcome).toEqual({ kind: 'needs-administrator' });
  });

  it('a missing tool is not applicable', async () => {
    const evidence = await readUnifiedLog({ platform: 'darwin', logTool: join(folder(), 'no-such-log'), isAdministrator: admin });
    expect(evidence.outcome.kind).toBe('not-applicable');
  });

  it('stops a log show that never ends at the deadline', async () => {
    const standIn = writeLogShowStandIn(folder(), { kind: 'hang' });
    const started = Date.now();
    const evidence = await readUnifiedLog({ platform: 'darwin', logTool: standIn.tool, isAdministrator: admin, deadline: Date.now() + 300 });
    expect(evidence.outcome).toEqual({ kind: 'unreadable', reason: 'log show stopped at the deadline; later entries not seen' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stops on cancel', async () => {
    const standIn = writeLogShowStandIn(folder(), { kind: 'hang' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const evidence = await readUnifiedLog({ platform: 'darwin', logTool: standIn.tool, isAdministrator: admin, signal: controller.signal });
    expect(evidence.outcome.kind).toBe('unreadable');
  });

  it('bounds endless output: stops at the byte budget and keeps a bounded event list', async () => {
    const standIn = writeLogShowStandIn(folder(), { kind: 'flood', line: RECORDED_NDJSON_LINES[1] ?? '' });
    const evidence = await readUnifiedLog({ platform: 'darwin', logTool: standIn.tool, isAdministrator: admin, maxOutputBytes: 2 * 1024 * 1024 });
    expect(evidence.outcome).toEqual({ kind: 'read', missing: ['log show output exceeded the size budget; later entries not seen'] });
    expect(evidence.events.length).toBeGreaterThan(0);
    expect(evidence.events.length).toBeLessThanOrEqual(500);
  });

  it('classifies templates', () => {
    expect(classifyFormatString(DECLINED_IDENTICAL_FORMAT)).toBe('renewal-declined-identical');
    expect(classifyFormatString(RATE_LIMITED_FORMAT)).toBe('renewal-rate-limited');
    expect(classifyFormatString(POST_AUTH_FORMAT)).toBe('login-succeeded');
    expect(classifyFormatString('Password dialogs suppressed, force-rejecting renewal request.')).toBe('other');
    expect(classifyFormatString('Something else %@')).toBeUndefined();
  });
});
