/**
 * One run's calls to one API (cPanel UAPI or WHM API 1) with one token: the budget, the HTTP outcome
 * classification both APIs share, and the record of every call made.
 *
 * The budget (research §2.4, §5): none of these calls is a mail login, but cPHulk and CSF count failed
 * cPanel/WHM logins towards the same blocks. So:
 * - a token the server refused (HTTP 401/403, or the legacy "Access denied" envelope) is remembered
 *   (electron/admin/refusedTokens.ts) and never sent again, in this run or any later one;
 * - after a refusal, this run makes no further call to that API.
 * Every other call of the run reuses the same accepted token: a successful token login costs nothing.
 *
 * What each API's JSON envelope means is the clients' business (cpanelApi.ts, whmApi.ts): they pass a
 * reader that turns the parsed JSON into the API's status, words and value.
 */
import type { HostingApi, HostingApiCall, HostingConnection, HostingProblem } from '../../shared/model/hosting';
import type { Secret } from '../keychain/secret';
import { hostingRequest } from './hostingHttp';
import { RefusedTokens } from './refusedTokens';
import type { ServerWordsCleaner } from './serverWords';
import { serverWordsCleaner } from './serverWords';

/** How long one API call may take (connect + TLS + answer): WHM's cPHulk lists can take a few seconds. */
export const DEFAULT_CALL_TIMEOUT_MS = 20_000;

export interface HostingSessionOptions {
  readonly connection: HostingConnection;
  readonly token: Secret;
  /** Where refused tokens are remembered (the app's state folder). */
  readonly stateDir: string;
  readonly signal: AbortSignal;
  readonly extraCaPem?: readonly string[];
  readonly callTimeoutMs?: number;
  readonly clock?: () => Date;
  /** Every call as it ends (progress in the window, the CLI's call list). */
  readonly onCall?: (call: HostingApiCall) => void;
}

export interface CallSpec {
  /** "Email::add_pop" or "cphulk_status": how the call is named in records and words. */
  readonly function: string;
  readonly path: string;
  readonly method: 'GET' | 'POST';
  readonly query?: URLSearchParams;
  readonly form?: URLSearchParams;
  /** Secrets this call sends besides the token (a mailbox password): scrubbed from whatever comes back. */
  readonly secrets?: readonly Secret[];
  /**
   * Cleanup that must run even after the person pressed Cancel (deleting the test mailbox): the call
   * ignores the run's signal and keeps only its own deadline.
   */
  readonly uncancellable?: boolean;
}

export type CallResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: HostingProblem };

/** What a client's reader makes of a JSON answer. */
export interface EnvelopeReading<T> {
  readonly apiStatus?: 0 | 1;
  readonly errors: readonly string[];
  readonly messages: readonly string[];
  readonly result: CallResult<T>;
}

export type EnvelopeReader<T> = (json: unknown, words: ServerWordsCleaner, httpStatus: number) => EnvelopeReading<T>;

export class HostingSession {
  readonly api: HostingApi;
  readonly connection: HostingConnection;
  readonly #options: HostingSessionOptions;
  readonly #refused: RefusedTokens;
  readonly #calls: HostingApiCall[] = [];
  #checkedMemory = false;
  #refusal: Extract<HostingProblem, { kind: 'not-retried' }> | null = null;

  constructor(options: HostingSessionOptions) {
    this.#options = options;
    this.api = options.connection.api;
    this.connection = options.connection;
    this.#refused = new RefusedTokens(options.stateDir);
  }

  /** Every call of this run, in order (none carries the token). */
  get calls(): readonly HostingApiCall[] {
    return this.#calls;
  }

  /** True once the server refused the token (in this run or before): nothing more will be sent. */
  get tokenRefused(): boolean {
    return this.#refusal !== null;
  }

  async call<T>(spec: CallSpec, read: EnvelopeReader<T>): Promise<CallResult<T>> {
    const started = Date.now();
    const blocked = await this.#budgetRefusal();
    if (blocked !== null) {
      this.#record(spec, { outcome: 'not-sent', errors: [], messages: [], durationMs: 0 });
      return { ok: false, problem: blocked };
    }
    const words = serverWordsCleaner([this.#options.token, ...(spec.secrets ?? [])]);
    const answer = await hostingRequest(
      {
        origin: this.connection.url,
        path: spec.path,
        method: spec.method,
        ...(spec.query === undefined ? {} : { query: spec.query }),
        ...(spec.form === undefined ? {} : { form: spec.form }),
        authScheme: this.api,
        user: this.connection.user,
        token: this.#options.token,
      },
      {
        deadline: Date.now() + (this.#options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS),
        signal: spec.uncancellable === true ? new AbortController().signal : this.#options.signal,
        ...(this.#options.extraCaPem === undefined ? {} : { extraCaPem: this.#options.extraCaPem }),
      },
    );
    const durationMs = Date.now() - started;
    const api = this.api;

    switch (answer.kind) {
      case 'timeout':
        return this.#fail(spec, durationMs, { kind: 'timeout', api, phase: answer.phase, afterMs: answer.afterMs });
      case 'unreachable':
        return this.#fail(spec, durationMs, { kind: 'unreachable', api, errorCode: answer.errorCode });
      case 'certificate':
        return this.#fail(spec, durationMs, { kind: 'certificate', api, errorCode: answer.errorCode });
      case 'cancelled':
        return this.#fail(spec, durationMs, { kind: 'cancelled', api });
      case 'response':
        break;
    }

    const status = answer.status;
    const json = parseJson(answer.body);
    if (status === 401 || status === 403 || isLegacyAccessDenied(json)) {
      const serverWords = json === undefined ? htmlTitleWords(answer.body, words) : legacyWords(json, words);
      await this.#rememberRefusal();
      return this.#fail(spec, durationMs, { kind: 'token-refused', api, httpStatus: status, serverWords }, status, serverWords);
    }
    if (json === undefined) {
      if (looksLikeHtml(answer.body, answer.contentType)) {
        const title = pageTitle(answer.body, words);
        if (looksLikeLoginPage(answer.body)) {
          return this.#fail(spec, durationMs, { kind: 'login-page', api, httpStatus: status, ...(title === undefined ? {} : { pageTitle: title }) }, status);
        }
      }
      const contentType = answer.contentType === undefined ? undefined : words.text(answer.contentType);
      return this.#fail(spec, durationMs, { kind: 'not-json', api, httpStatus: status, ...(contentType === undefined ? {} : { contentType }) }, status);
    }

    const reading = read(json, words, status);
    this.#record(spec, {
      outcome: 'answered',
      httpStatus: status,
      ...(reading.apiStatus === undefined ? {} : { apiStatus: reading.apiStatus }),
      errors: reading.errors,
      messages: reading.messages,
      durationMs,
    });
    return reading.result;
  }

  async #budgetRefusal(): Promise<Extract<HostingProblem, { kind: 'not-retried' }> | null> {
    if (this.#refusal !== null) return this.#refusal;
    if (!this.#checkedMemory) {
      this.#checkedMemory = true;
      const refusedAt = await this.#refused.refusedAt(this.#identity()).catch(() => null);
      if (refusedAt !== null) this.#refusal = { kind: 'not-retried', api: this.api, reason: 'refused-before', refusedAt };
    }
    return this.#refusal;
  }

  async #rememberRefusal(): Promise<void> {
    this.#refusal = { kind: 'not-retried', api: this.api, reason: 'refused-this-run' };
    // If the memory cannot be written, this run still stops; the next run will be refused once more at most.
    await this.#refused.remember(this.#identity(), (this.#options.clock ?? (() => new Date()))()).catch(() => undefined);
  }

  #identity() {
    return { api: this.api, origin: this.connection.url, user: this.connection.user, token: this.#options.token };
  }

  #fail<T>(spec: CallSpec, durationMs: number, problem: HostingProblem, httpStatus?: number, errors: readonly string[] = []): CallResult<T> {
    this.#record(spec, { outcome: 'failed', ...(httpStatus === undefined ? {} : { httpStatus }), errors, messages: [], durationMs });
    return { ok: false, problem };
  }

  #record(spec: CallSpec, fields: Omit<HostingApiCall, 'api' | 'function'>): void {
    const call: HostingApiCall = { api: this.api, function: spec.function, ...fields };
    this.#calls.push(call);
    this.#options.onCall?.(call);
  }
}

function parseJson(body: string): unknown {
  const trimmed = body.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The envelope cpsrvd answers when it refuses the credentials, on WHM and cPanel alike (seen in public bug
 * reports with HTTP 403): {"cpanelresult":{"apiversion":"2","error":"Access denied","data":{"reason":"Access denied","result":"0"},"type":"text"}}.
 */
function isLegacyAccessDenied(json: unknown): boolean {
  if (!isRecord(json) || !isRecord(json['cpanelresult'])) return false;
  const legacy = json['cpanelresult'];
  const data = isRecord(legacy['data']) ? legacy['data'] : {};
  return [legacy['error'], data['reason']].some((text) => typeof text === 'string' && /access denied/i.test(text));
}

function legacyWords(json: unknown, words: ServerWordsCleaner): string[] {
  if (!isRecord(json)) return [];
  if (isRecord(json['cpanelresult'])) return words.list(json['cpanelresult']['error']);
  if (isRecord(json['metadata'])) return words.list(json['metadata']['reason']);
  if (isRecord(json['result'])) return words.list(json['result']['errors']);
  return [];
}

function looksLikeHtml(body: string, contentType: string | undefined): boolean {
  return (contentType !== undefined && /html/i.test(contentType)) || /^\s*</.test(body);
}

/** cPanel's and WHM's login pages: a form posting user/pass, or their "login" markers. */
function looksLikeLoginPage(body: string): boolean {
  const head = body.slice(0, 200_000);
  return /<form[^>]*login/i.test(head) || /name=["']?pass["'\s>]/i.test(head) || /id=["']?login[_-]?(form|submit|username)/i.test(head) || /<title>[^<]*log\s?in/i.test(head);
}

function pageTitle(body: string, words: ServerWordsCleaner): string | undefined {
  const match = /<title[^>]*>([^<]{1,500})<\/title>/i.exec(body.slice(0, 200_000));
  if (match?.[1] === undefined) return undefined;
  const title = words.text(decodeEntities(match[1]));
  return title.length === 0 ? undefined : title;
}

function htmlTitleWords(body: string, words: ServerWordsCleaner): string[] {
  const title = pageTitle(body, words);
  if (title !== undefined) return [title];
  const text = words.text(body.slice(0, 1000));
  return /^\s*</.test(body) || text.length === 0 ? [] : [text];
}

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_match, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[name] ?? '');
}
