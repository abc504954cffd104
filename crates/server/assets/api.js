// Calls to the service's API. The session is the HttpOnly cookie set by POST /api/login, so
// the page never handles a token. Errors come back as ApiError with the server's stable code.

import { t, has } from './i18n.js';

export class ApiError extends Error {
  constructor(status, code, message, fields, detail) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields || [];
    this.detail = detail || null;
  }
}

const hooks = { unauthorized: () => {}, password_change_required: () => {}, ok: () => {} };

/** What to do when the session is gone (401), when the user must first replace a one-time
 * password (403 `password_change_required`), and after any successful request. */
export function onApi(name, fn) {
  hooks[name] = fn;
}

/**
 * api('GET', '/api/me'); api('POST', '/api/bookings', {json, headers}); api('POST', url, {body, type}).
 * Resolves to the parsed JSON (or text for non-JSON answers, null for 204).
 */
export async function api(method, path, opts = {}) {
  const headers = { accept: 'application/json', ...(opts.headers || {}) };
  let body;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.body !== undefined) {
    headers['content-type'] = opts.type || 'text/plain';
    body = opts.body;
  }
  // Known to be offline: fail at once instead of sending a request that cannot arrive.
  if (navigator.onLine === false) throw new ApiError(0, 'network', t('err.network'));
  let res;
  try {
    res = await fetch(path, { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'network', t('err.network'));
  }
  const type = res.headers.get('content-type') || '';
  const data = res.status === 204 ? null : type.includes('json') ? await res.json().catch(() => null) : await res.text();
  if (!res.ok) {
    const err = data && data.error ? data.error : {};
    // A body over the upload limit is refused before the handler (no JSON error): same code.
    const code = err.code || (res.status === 413 ? 'too_large' : `http_${res.status}`);
    const e = new ApiError(res.status, code, err.message || res.statusText, err.fields, err.detail);
    if (res.status === 401 && path !== '/api/login') hooks.unauthorized(e);
    if (res.status === 403 && code === 'password_change_required') hooks.password_change_required(e);
    throw e;
  }
  hooks.ok();
  return data;
}

/**
 * The error for people: a conflict's own words when it says which (`detail`), else the words
 * for its code, else the server's.
 */
export function errorText(e) {
  if (!(e instanceof ApiError)) return t('err.internal');
  if (e.detail && e.detail.code && has(`field_msg.${e.detail.code}`)) return fieldMessage(e.detail);
  const key = `err.${e.code}`;
  if (has(key)) return t(key);
  // An answer without the JSON error shape (a proxy's, a too-large upload's): its status.
  return e.code.startsWith('http_') ? t('err.http', { status: e.status }) : e.message;
}

// Values of a field problem that are codes themselves, said in words by these dictionaries.
const PARAM_WORDS = { step: 'step', kind: 'kind_stop', trip_status: 'status', plan_status: 'plan_status' };

/**
 * What is wrong with one field (or a conflict's detail), in the page's language: the server sends a stable code and its
 * values next to English words; the words are the fallback for a code the page does not know.
 */
export function fieldMessage(f) {
  const key = `field_msg.${f.code}`;
  if (!f.code || !has(key)) return f.message;
  const params = { ...(f.params || {}) };
  for (const [name, prefix] of Object.entries(PARAM_WORDS)) {
    if (params[name] !== undefined && has(`${prefix}.${params[name]}`)) params[name] = t(`${prefix}.${params[name]}`);
  }
  return t(key, params);
}

/**
 * Which field, in the page's language: "bookings[2].window" reads "item 3: time window" when the
 * dictionary names the last part; anything else (a JSON line and column) is shown as sent.
 */
export function fieldName(path) {
  const at = /^line (\d+) column (\d+)$/.exec(path || '');
  if (at) return t('err.json_at', { line: at[1], column: at[2] });
  const m = /^(?:[a-z_]+\[(\d+)\]\.)?(?:[a-z_]+\.)*([a-z_]+)$/.exec(path || '');
  if (!m || !has(`field_name.${m[2]}`)) return path || '';
  const name = t(`field_name.${m[2]}`);
  return m[1] === undefined ? name : t('err.item', { n: Number(m[1]) + 1, name });
}

/** The error's field problems as lines: "row 3, column phone: …" or "item 1: day: …". */
export function fieldLines(e) {
  if (!(e instanceof ApiError)) return [];
  return e.fields.map((f) => {
    const where = f.row ? t('err.row_col', { row: f.row, column: f.column || f.field || '' }) : fieldName(f.field);
    return `${where}: ${fieldMessage(f)}`;
  });
}

/** The error and its field problems in one line, for a notice. */
export function errorLine(e) {
  return `${errorText(e)} ${fieldLines(e).join('; ')}`.trim();
}
