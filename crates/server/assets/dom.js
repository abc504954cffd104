// Small DOM helpers shared by the views: element builders, times and days, downloads.

const SVG_NS = 'http://www.w3.org/2000/svg';

function fill(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') el.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** An HTML element: h('button', {id: 'x', onclick: f}, 'text', child…). */
export function h(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

/** An SVG element. */
export function s(tag, attrs, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** Replaces an element's children; null, undefined and false are skipped, as in `h`
 * (`Element.append(null)` would print "null"). */
export function replace(el, ...children) {
  return fill(clear(el), {}, children);
}

/** Removes every child. */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** A labelled form field: the label, then the control (given an id). */
export function field(id, label, control) {
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
}

/** Seconds of the day as HH:MM. */
export function hhmm(sec) {
  if (sec === null || sec === undefined) return '';
  const m = Math.round(sec / 60);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** Today's local date, YYYY-MM-DD. */
export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Whether a date input holds a whole day vaxride takes (years 2000–2199; the server checks
 * the rest): a date picker being typed into holds `0002-12-07` on its way to `2026-12-07`. */
export function wholeDay(value) {
  return /^2[01]\d\d-\d\d-\d\d$/.test(value || '');
}

/** A random key (Idempotency-Key, queue ids); works outside secure contexts too. */
export function randomKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** Offers `text` as a file download. */
export function download(name, text, type) {
  const blob = new Blob([text], { type });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** One CSV cell (RFC 4180 quoting; cells starting with = + - @ are prefixed so spreadsheets do not run them). */
export function csvCell(v) {
  let t = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@]/.test(t)) t = `'${t}`;
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

/** A table with a caption, header cells and rows (arrays of cells or nodes). */
export function table(attrs, caption, heads, rows) {
  // Each cell names its column (data-label), so phones can show rows as cards.
  for (const tr of rows.flat(Infinity)) {
    if (!(tr instanceof Element)) continue;
    [...tr.children].forEach((td, i) => { if (heads[i]) td.dataset.label = heads[i]; });
  }
  return h('div', { class: 'table-wrap' },
    h('table', attrs,
      caption ? h('caption', {}, caption) : null,
      h('thead', {}, h('tr', {}, heads.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows)));
}

/** How long a two-tap button waits for its second tap. */
export const CONFIRM_MS = 5000;

// Armed two-tap buttons by test id, with the time they disarm: a view that redraws itself
// (a refresh, an event) draws the button armed again, so the second tap is not lost.
const ARMED = new Map();

/**
 * A button for a step that cannot be undone (cancel, decline, no-show, retire): the first tap
 * arms it (its words become the question, `data-armed="yes"`, announced with `notify`), the
 * second within 5 s acts. Escape, leaving the button or 5 s without the second tap disarm it.
 * `words` are translated: { label, named, confirm, confirmNamed } (the named ones are the
 * accessible names); `opts.class` adds classes (`big`), `opts.disabled` disables it.
 */
export function twoTap(testid, words, notify, action, opts = {}) {
  const btn = h('button', {
    type: 'button', class: ['danger', opts.class].filter(Boolean).join(' '), 'data-testid': testid,
    disabled: opts.disabled,
  });
  let timer = null;
  const show = (on) => {
    btn.textContent = on ? words.confirm : words.label;
    btn.setAttribute('aria-label', on ? words.confirmNamed : words.named);
    btn.classList.toggle('armed', on);
    btn.dataset.armed = on ? 'yes' : 'no';
  };
  const disarm = () => {
    clearTimeout(timer);
    timer = null;
    if (btn.isConnected) ARMED.delete(testid);
    show(false);
  };
  const arm = (ms) => {
    clearTimeout(timer);
    timer = setTimeout(disarm, ms);
    show(true);
  };
  const left = (ARMED.get(testid) || 0) - Date.now();
  if (left > 0 && !opts.disabled) arm(left);
  else show(false);
  btn.addEventListener('click', async () => {
    if (!timer) {
      ARMED.set(testid, Date.now() + CONFIRM_MS);
      arm(CONFIRM_MS);
      notify(words.confirmNamed);
      return;
    }
    disarm();
    ARMED.delete(testid);
    btn.disabled = true;
    try {
      await action();
    } finally {
      btn.disabled = Boolean(opts.disabled);
    }
  });
  btn.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && timer) {
      ev.preventDefault();
      disarm();
    }
  });
  // A redraw takes the button away (no disarming then); a tap elsewhere does disarm it.
  btn.addEventListener('blur', () => setTimeout(() => { if (timer && btn.isConnected) disarm(); }, 0));
  return btn;
}
