/**
 * Reading the two APIs' JSON envelopes, tolerant of the shapes seen in the wild (research §3.1, §3.4):
 * flags as 1/0, "1"/"0" or true/false; lists as arrays, a single string or null.
 *
 *   UAPI:      { apiversion: 3, func, module, result: { data, errors, messages, warnings, metadata, status } }
 *   WHM API 1: { metadata: { command, reason, result, version }, data }
 *
 * A failed call is `not-permitted` when its words say a feature, role or privilege is missing (the token
 * works, it may not do this), otherwise `api-error` with the API's own words.
 */
import type { HostingApi, HostingProblem } from '../../shared/model/hosting';
import type { EnvelopeReading } from './hostingSession';
import type { ServerWordsCleaner } from './serverWords';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** 1/0, "1"/"0", true/false; anything else is unknown. */
export function apiFlag(value: unknown): 0 | 1 | undefined {
  if (value === 1 || value === '1' || value === true) return 1;
  if (value === 0 || value === '0' || value === false) return 0;
  return undefined;
}

/**
 * Words of a refusal that mean "the token is fine, this account may not do this": cPanel features and
 * roles ("requires the “Receive Mail” role", "You do not have the feature …") and WHM privileges.
 * The exact texts are UNCONFIRMED; these are the words every variant seen uses.
 */
const NOT_PERMITTED = /\b(feature|role|privilege|permission|not permitted|not allowed|access denied|disabled|acl)\b/i;

function problemFor(api: HostingApi, functionName: string, serverWords: readonly string[]): HostingProblem {
  return serverWords.some((words) => NOT_PERMITTED.test(words))
    ? { kind: 'not-permitted', api, function: functionName, serverWords }
    : { kind: 'api-error', api, function: functionName, serverWords };
}

/** What a successful call's data must be read as; `undefined` means the data is not what the function returns. */
export type DataReader<T> = (data: unknown, words: ServerWordsCleaner) => T | undefined;

export function readUapiEnvelope<T>(functionName: string, readData: DataReader<T>) {
  return (json: unknown, words: ServerWordsCleaner): EnvelopeReading<T> => {
    const result = isRecord(json) && isRecord(json['result']) ? json['result'] : undefined;
    const status = apiFlag(result?.['status']);
    const errors = words.list(result?.['errors']);
    const messages = [...words.list(result?.['messages']), ...words.list(result?.['warnings'])];
    if (result === undefined || status === undefined) {
      const serverWords = errors.length > 0 ? errors : ['the answer is not a UAPI result (no result.status)'];
      return { errors, messages, result: { ok: false, problem: { kind: 'api-error', api: 'cpanel', function: functionName, serverWords } } };
    }
    if (status === 0) return { apiStatus: 0, errors, messages, result: { ok: false, problem: problemFor('cpanel', functionName, errors) } };
    const value = readData(result['data'], words);
    if (value === undefined) {
      const problem: HostingProblem = { kind: 'api-error', api: 'cpanel', function: functionName, serverWords: ['the answer’s data is not what this function returns'] };
      return { apiStatus: 1, errors, messages, result: { ok: false, problem } };
    }
    return { apiStatus: 1, errors, messages, result: { ok: true, value } };
  };
}

export function readWhmEnvelope<T>(functionName: string, readData: DataReader<T>) {
  return (json: unknown, words: ServerWordsCleaner): EnvelopeReading<T> => {
    const metadata = isRecord(json) && isRecord(json['metadata']) ? json['metadata'] : undefined;
    const status = apiFlag(metadata?.['result']);
    const reason = words.list(metadata?.['reason']);
    if (metadata === undefined || status === undefined) {
      const serverWords = reason.length > 0 ? reason : ['the answer is not a WHM API 1 result (no metadata.result)'];
      return { errors: serverWords, messages: [], result: { ok: false, problem: { kind: 'api-error', api: 'whm', function: functionName, serverWords } } };
    }
    if (status === 0) return { apiStatus: 0, errors: reason, messages: [], result: { ok: false, problem: problemFor('whm', functionName, reason) } };
    const value = readData(isRecord(json) ? json['data'] : undefined, words);
    if (value === undefined) {
      const problem: HostingProblem = { kind: 'api-error', api: 'whm', function: functionName, serverWords: ['the answer’s data is not what this function returns'] };
      return { apiStatus: 1, errors: [], messages: reason, result: { ok: false, problem } };
    }
    return { apiStatus: 1, errors: [], messages: reason, result: { ok: true, value } };
  };
}
