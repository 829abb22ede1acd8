// The deadline scope: outcome on time, on deadline, on cancel, on throw — and handles always released.
import { describe, expect, it } from 'vitest';
import { remainingMs, runWithDeadline } from '../../../electron/probes/deadline';

const ctxFor = (ms: number, signal = new AbortController().signal) => ({ deadline: Date.now() + ms, signal });

describe('runWithDeadline', () => {
  it('returns the work result and releases tracked handles', async () => {
    let destroyed = 0;
    const result = await runWithDeadline(ctxFor(1000), (scope) => {
      scope.track({ destroy: () => destroyed++ });
      return Promise.resolve('done');
    }, () => 'stopped', () => 'error');
    expect(result).toBe('done');
    expect(destroyed).toBe(1);
  });

  it('releases handles newest first (a TLS socket before the TCP socket under it)', async () => {
    const order: string[] = [];
    await runWithDeadline(ctxFor(1000), (scope) => {
      scope.track({ destroy: () => order.push('tcp') });
      scope.track({ destroy: () => order.push('tls') });
      return Promise.resolve('done');
    }, () => 'stopped', () => 'error');
    expect(order).toEqual(['tls', 'tcp']);
  });

  it('stops at the deadline even if the work never settles', async () => {
    let destroyed = 0;
    const started = Date.now();
    const result = await runWithDeadline(ctxFor(150), (scope) => {
      scope.track({ destroy: () => destroyed++ });
      return new Promise<string>(() => undefined);
    }, (reason, elapsed) => `${reason}:${elapsed >= 140}`, () => 'error');
    expect(result).toBe('deadline:true');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(destroyed).toBe(1);
  });

  it('reports a cancel as cancelled', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const result = await runWithDeadline(ctxFor(5000, controller.signal), () => new Promise<string>(() => undefined), (reason) => reason, () => 'error');
    expect(result).toBe('cancelled');
  });

  it('maps a thrown error through onError', async () => {
    const result = await runWithDeadline(ctxFor(1000), () => Promise.reject(new Error('boom')), () => 'stopped', (error) => (error instanceof Error ? error.message : 'other'));
    expect(result).toBe('boom');
  });

  it('is already stopped when the deadline has passed', async () => {
    const result = await runWithDeadline({ deadline: Date.now() - 1, signal: new AbortController().signal }, () => Promise.resolve('ran'), (reason) => reason, () => 'error');
    expect(result).toBe('deadline');
    expect(remainingMs({ deadline: Date.now() - 50 })).toBe(0);
  });

  it('a moved deadline is the one that stops the scope (a login once its credential left)', async () => {
    const started = Date.now();
    const result = await runWithDeadline(ctxFor(100), async (scope) => {
      scope.moveDeadline(Date.now() + 400);
      await new Promise((resolve) => setTimeout(resolve, 250));
      return 'answered after the first deadline';
    }, (reason) => reason, () => 'error');
    expect(result).toBe('answered after the first deadline');
    const moved = await runWithDeadline(ctxFor(100), (scope) => {
      scope.moveDeadline(Date.now() + 300);
      return new Promise<string>(() => undefined);
    }, (reason, elapsed) => `${reason}:${elapsed >= 280}`, () => 'error');
    expect(moved).toBe('deadline:true');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a child scope stops on its own, releasing only its handles, and stops with its parent', async () => {
    const released: string[] = [];
    const result = await runWithDeadline(ctxFor(1000), (scope) => {
      scope.track({ destroy: () => released.push('parent') });
      const child = scope.child();
      child.scope.track({ destroy: () => released.push('child') });
      child.stop();
      expect(child.scope.signal.aborted).toBe(true);
      expect(scope.signal.aborted).toBe(false);
      expect(released).toEqual(['child']);
      const second = scope.child();
      return Promise.resolve(second);
    }, () => undefined, () => undefined);
    // The parent ended (its work returned): its child stopped with it.
    expect(result?.scope.signal.aborted).toBe(true);
    expect(released).toEqual(['child', 'parent']);
  });

  it('a handle released to a new owner outlives the scope', async () => {
    let destroyed = 0;
    const handle = { destroy: () => destroyed++ };
    await runWithDeadline(ctxFor(1000), (scope) => {
      scope.track(handle);
      scope.release(handle);
      return Promise.resolve('handed over');
    }, () => 'stopped', () => 'error');
    expect(destroyed).toBe(0);
  });
});
