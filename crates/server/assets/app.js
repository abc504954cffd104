// vaxride's web interface: a single page with hash routes, one view per role.
//
// Element ids and data-testid values for browser tests are listed in docs/ui.md. The main
// ones: #login-form #login-username #login-password #login-submit #login-error, #lang-select,
// #logout, #nav (links #nav-<route>), #main, #toast; per view see secretary.js,
// coordinator.js and driver.js (each names its ids at the top).
//
// Routes: #/login, #/secretary/elders, #/secretary/bookings, #/coordinator/fleet,
// #/coordinator/plan, #/coordinator/trips, #/coordinator/people, #/admin/accounts, #/driver,
// #/progress (secretary, coordinator, admin: the campaign's progress, progress.js),
// #/coordinator/vans (coordinator: planning the vans' stops, vans.js),
// #/account (every role: change my password; the only view while a one-time password must be
// replaced).

import { h, clear } from './dom.js';
import { t, setLang, getLang, onLangChange } from './i18n.js';
import { api, onApi, errorText } from './api.js';
import { setTiles } from './map.js';
import * as secretary from './secretary.js';
import * as coordinator from './coordinator.js';
import * as driver from './driver.js';
import * as accounts from './accounts.js';
import * as progress from './progress.js';
import * as vans from './vans.js';

const ROUTES = {
  login: { roles: null, title: 'login.title', mount: mountLogin },
  'secretary/elders': { roles: ['secretary'], title: 'nav.elders', mount: secretary.elders },
  'secretary/bookings': { roles: ['secretary'], title: 'nav.bookings', mount: secretary.bookings },
  'coordinator/fleet': { roles: ['coordinator', 'admin'], title: 'nav.fleet', mount: coordinator.fleet },
  'coordinator/plan': { roles: ['coordinator', 'admin'], title: 'nav.plan', mount: coordinator.plan },
  'coordinator/trips': { roles: ['coordinator', 'admin'], title: 'nav.trips', mount: coordinator.trips },
  'coordinator/people': { roles: ['coordinator'], title: 'nav.people', mount: accounts.people },
  'coordinator/vans': { roles: ['coordinator'], title: 'nav.vans', mount: vans.mount },
  progress: { roles: ['secretary', 'coordinator', 'admin'], title: 'nav.progress', mount: progress.mount },
  'admin/accounts': { roles: ['admin'], title: 'nav.accounts', mount: accounts.admin },
  driver: { roles: ['driver'], title: 'nav.driver', mount: driver.mount },
  account: { roles: ['secretary', 'coordinator', 'admin', 'driver'], title: 'nav.account', mount: accounts.password },
};

const NAV = {
  secretary: ['secretary/bookings', 'secretary/elders', 'progress'],
  coordinator: ['coordinator/plan', 'coordinator/trips', 'coordinator/fleet', 'coordinator/vans', 'coordinator/people', 'progress'],
  admin: ['admin/accounts', 'coordinator/plan', 'coordinator/trips', 'coordinator/fleet', 'progress'],
  driver: ['driver'],
};

const app = { me: null, route: null, unmount: null };

// A user who logged in with a one-time password sees only the page that replaces it.
function mustChange(me) {
  return !!(me && me.must_change_password);
}

function home(me) {
  if (!me) return 'login';
  return mustChange(me) ? 'account' : NAV[me.role][0];
}

function go(route) {
  if (location.hash === `#/${route}`) render();
  else location.hash = `#/${route}`;
}

/** A short message for everyone (and screen readers): kind is 'ok' or 'error'. */
export function notify(text, kind = 'ok') {
  const box = document.getElementById('toast');
  clear(box);
  box.className = `toast ${kind}`;
  box.append(h('span', {}, text));
  box.hidden = false;
  clearTimeout(notify.timer);
  notify.timer = setTimeout(() => { box.hidden = true; }, kind === 'error' ? 8000 : 4000);
}

function renderHeader() {
  document.title = t('app.title');
  document.getElementById('brand').textContent = t('app.name');
  document.getElementById('lang-label').textContent = t('lang.label');
  const sel = document.getElementById('lang-select');
  sel.value = getLang();
  const nav = document.getElementById('nav');
  nav.setAttribute('aria-label', t('nav.label'));
  clear(nav);
  if (app.me && !mustChange(app.me)) {
    nav.append(h('ul', {}, NAV[app.me.role].map((r) => h('li', {},
      h('a', {
        href: `#/${r}`,
        id: `nav-${r.replace('/', '-')}`,
        'aria-current': app.route === r ? 'page' : null,
      }, t(ROUTES[r].title))))));
  }
  const who = document.getElementById('user-name');
  who.textContent = app.me ? `${app.me.display_name || app.me.username} · ${t(`role.${app.me.role}`)}` : '';
  const account = document.getElementById('account-link');
  account.textContent = t('nav.account');
  account.hidden = !app.me || mustChange(app.me);
  if (app.route === 'account') account.setAttribute('aria-current', 'page');
  else account.removeAttribute('aria-current');
  const out = document.getElementById('logout');
  out.textContent = t('logout');
  out.hidden = !app.me;
}

// What is typed or open on the page, so that switching the language (which draws the page
// again) loses none of it: the values of the controls that have ids, the folded sections that
// are open, and what the view itself says it has open (`ctx.remember`).
function kept() {
  const values = [...document.querySelectorAll('#main input[id], #main select[id], #main textarea[id]')]
    .filter((el) => !['password', 'file', 'hidden'].includes(el.type))
    .map((el) => [el.id, el.type === 'checkbox' || el.type === 'radio' ? el.checked : el.value]);
  const open = [...document.querySelectorAll('#main details[open] > form[id]')].map((f) => f.id);
  return { values, open, view: app.remember ? app.remember() : null };
}

function restore(k) {
  for (const id of k.open) {
    const d = document.getElementById(id)?.closest('details');
    if (d) d.open = true;
  }
  for (const [id, v] of k.values) {
    const el = document.getElementById(id);
    if (!el) continue;
    const checkable = el.type === 'checkbox' || el.type === 'radio';
    if (checkable ? el.checked === v : el.value === v) continue;
    if (checkable) el.checked = v; else el.value = v;
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }
}

function render(k = null) {
  let route = location.hash.replace(/^#\/?/, '');
  if (!ROUTES[route]) route = home(app.me);
  const def = ROUTES[route];
  if (!app.me && route !== 'login') route = 'login';
  else if (app.me && (route === 'login' || mustChange(app.me) || (def.roles && !def.roles.includes(app.me.role)))) route = home(app.me);
  if (`#/${route}` !== location.hash) {
    history.replaceState(null, '', `#/${route}`);
  }
  if (app.unmount) {
    try { app.unmount(); } catch (e) { /* a view that failed to clean up must not block the next */ }
  }
  app.route = route;
  app.remember = null;
  renderHeader();
  const main = clear(document.getElementById('main'));
  main.dataset.view = route;
  document.title = `${t(ROUTES[route].title)} · ${t('app.title')}`;
  app.unmount = ROUTES[route].mount(main, {
    me: app.me,
    notify,
    go,
    forced: mustChange(app.me),
    // What the page had open before the language changed (else null), and how a view says
    // what it has open.
    kept: k && k.view,
    remember: (fn) => { app.remember = fn; },
    // The one-time password is replaced: on to the role's own pages.
    done: () => {
      app.me = { ...app.me, must_change_password: false };
      go(home(app.me));
    },
  }) || null;
}

function mountLogin(main) {
  const err = h('p', { id: 'login-error', class: 'error', role: 'alert' });
  const user = h('input', { id: 'login-username', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none' });
  const pass = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { id: 'login-submit', type: 'submit', class: 'primary big' }, t('login.submit'));
  const form = h('form', { id: 'login-form', class: 'card narrow', novalidate: true },
    h('h1', {}, t('login.title')),
    h('p', { class: 'muted' }, t('login.intro')),
    h('div', { class: 'field' }, h('label', { for: 'login-username' }, t('login.username')), user),
    h('div', { class: 'field' }, h('label', { for: 'login-password' }, t('login.password')), pass),
    err, submit);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    if (!user.value.trim() || !pass.value) {
      err.textContent = t('login.missing');
      return;
    }
    submit.disabled = true;
    try {
      const r = await api('POST', '/api/login', { json: { username: user.value.trim(), password: pass.value } });
      app.me = r.user;
      await loadSession();
      go(home(app.me));
    } catch (e) {
      err.textContent = errorText(e);
      submit.disabled = false;
      pass.select();
    }
  });
  main.append(form);
  user.focus();
}

// The session and the map settings that come with it (the tile server is given to logged-in
// users only).
async function loadSession() {
  try {
    const session = await api('GET', '/api/session');
    const map = session.map || {};
    setTiles(map.tile_url, map.tile_attribution);
    return session;
  } catch (e) {
    setTiles(null);
    return null;
  }
}

async function logout() {
  try { await api('POST', '/api/logout'); } catch (e) { /* the session is gone either way */ }
  app.me = null;
  setTiles(null);
  go('login');
}

async function start() {
  document.getElementById('lang-select').addEventListener('change', (ev) => setLang(ev.target.value));
  document.getElementById('logout').addEventListener('click', logout);
  onLangChange(() => {
    const k = app.route && app.route === location.hash.replace(/^#\/?/, '') ? kept() : null;
    render(k);
    if (k) restore(k);
  });
  onApi('password_change_required', () => {
    if (app.me && !mustChange(app.me)) {
      app.me = { ...app.me, must_change_password: true };
      notify(t('err.password_change_required'), 'error');
      go('account');
    }
  });
  onApi('unauthorized', () => {
    if (app.me) {
      app.me = null;
      notify(t('err.unauthorized'), 'error');
      go('login');
    }
  });
  window.addEventListener('hashchange', render);
  const session = await loadSession();
  app.me = session ? session.user : null;
  render();
}

setLang(getLang());
start();
