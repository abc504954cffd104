// The page's words, one dictionary per language: zh-CN (the default) and English, loaded from
// i18n.zh-CN.json and i18n.en.json (data the server's tests read too: both hold the same keys,
// every key the pages use, and a `field_msg.<code>` for every problem code the server can send).
// The choice is kept in localStorage and set on <html lang>. `{name}` is replaced by
// t(key, {name}).

async function load(name) {
  const res = await fetch(`/assets/${name}`);
  if (!res.ok) throw new Error(`${name}: ${res.status}`);
  return res.json();
}

const [zh, en] = await Promise.all([load('i18n.zh-CN.json'), load('i18n.en.json')]);

const DICTS = { 'zh-CN': zh, en };
const KEY = 'vaxride.lang';
const listeners = [];
let lang = 'zh-CN';

function stored() {
  try {
    const v = localStorage.getItem(KEY);
    return DICTS[v] ? v : null;
  } catch (e) {
    return null;
  }
}

/** The language in use: the remembered choice, else zh-CN. */
export function getLang() {
  return stored() || lang;
}

/** Switches the language, remembers it, sets <html lang> and tells the listeners. */
export function setLang(l) {
  lang = DICTS[l] ? l : 'zh-CN';
  try { localStorage.setItem(KEY, lang); } catch (e) { /* private mode: not remembered */ }
  document.documentElement.lang = lang;
  for (const fn of listeners) fn(lang);
}

export function onLangChange(fn) {
  listeners.push(fn);
}

export function has(key) {
  return Object.prototype.hasOwnProperty.call(DICTS[lang], key);
}

/** The text of `key` in the current language, `{name}` replaced from `params`. */
export function t(key, params) {
  const d = DICTS[lang];
  let s = Object.prototype.hasOwnProperty.call(d, key) ? d[key] : (zh[key] ?? key);
  if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (params[k] === undefined ? m : String(params[k])));
  return s;
}

/** A time of day as the page's language writes it, 24-hour, with seconds ("14:05:09"). */
export function clockTime(date) {
  return date.toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
}
