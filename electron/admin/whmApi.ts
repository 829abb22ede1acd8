/**
 * The typed client of WHM API 1 (`https://host:2087/json-api/<function>?api.version=1&...`, header
 * `Authorization: whm user:TOKEN`; research §3.1, §3.4). Only root or a reseller with the privilege can
 * call these; a cPanel account's token cannot (its refusal is worded for that case).
 */
import type { DataReader } from './envelope';
import { readWhmEnvelope } from './envelope';
import type { CallResult, HostingSession } from './hostingSession';

export class WhmApi {
  readonly session: HostingSession;

  constructor(session: HostingSession) {
    if (session.api !== 'whm') throw new Error('WhmApi needs a WHM session');
    this.session = session;
  }

  /** One WHM API 1 call; `params` may repeat a name (e.g. `ip`), in order. */
  call<T>(func: string, params: readonly (readonly [string, string])[], readData: DataReader<T>): Promise<CallResult<T>> {
    const query = new URLSearchParams([['api.version', '1'], ...params.map(([name, value]): [string, string] => [name, value])]);
    return this.session.call({ function: func, path: `/json-api/${func}`, method: 'GET', query }, readWhmEnvelope(func, readData));
  }
}
