// Calls to the service's API. The session is the HttpOnly cookie set by POST /api/login, so
// the page never handles a token. Errors come back as ApiError with the server's stable code.

import { t, has } from './i18n.js';

export class ApiError extends Error {
  constructor(status, code, message, fields) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields || [];
  }
}

const hooks = { unauthorized: () => {}, ok: () => {} };

/** What to do when the session is gone (401), and after any successful request. */
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
    const e = new ApiError(res.status, err.code || `http_${res.status}`, err.message || res.statusText, err.fields);
    if (res.status === 401 && path !== '/api/login') hooks.unauthorized(e);
    throw e;
  }
  hooks.ok();
  return data;
}

/** The error for people: translated by its code where the dictionary knows it, else the server's words. */
export function errorText(e) {
  if (!(e instanceof ApiError)) return t('err.internal');
  const key = `err.${e.code}`;
  return has(key) ? t(key) : e.message;
}

/**
 * What is wrong with one field, in the page's language: the server sends a stable code and its
 * values next to English words; the words are the fallback for a code the page does not know.
 */
export function fieldMessage(f) {
  const key = `field_msg.${f.code}`;
  return f.code && has(key) ? t(key, f.params || {}) : f.message;
}

/**
 * Which field, in the page's language: "bookings[2].window" reads "item 3: time window" when the
 * dictionary names the last part; anything else (a JSON line and column) is shown as sent.
 */
export function fieldName(path) {
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
