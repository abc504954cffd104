// Accounts: every user's own password (and the change a one-time password forces before
// anything else), the admin's street offices and their coordinators, and the coordinator's
// people (communities, secretaries, driver logins). A one-time password is shown once, in a
// dialog, and forgotten when the dialog closes: the server never answers it again.
//
// Ids: password: #password-form (#password-forced while the change is required,
// #password-current #password-new #password-repeat, each with its #<id>-error,
// #password-save #password-error); the one-time password: #otp-dialog (#otp-user #otp-value
// #otp-copy #otp-close); admin: #district-form (#district-name #district-save
// #district-error) #district-table (rows data-testid="district-row-<id>") #coordinator-form
// (#coordinator-district #coordinator-username #coordinator-display #coordinator-save
// #coordinator-error) #account-district (which office's accounts are listed); people:
// #community-form (#community-name, the centre finder of home.js, #community-lon #community-lat #community-save
// #community-error) #community-table (rows data-testid="community-row-<id>") #secretary-form
// (#secretary-username #secretary-display #secretary-community #secretary-save
// #secretary-error) #driver-login-form (#driver-login-username #driver-login-driver
// #driver-login-save #driver-login-error); both: #user-table (rows data-testid="user-row-<id>",
// data-testid="user-status-<id>" with data-active="yes"/"no", two-tap buttons
// data-testid="user-reset-<id>" and data-testid="user-active-<id>").

import { h, clear, field, table, twoTap } from './dom.js';
import { t } from './i18n.js';
import { api, errorText, fieldMessage } from './api.js';
import { addForm, errorInto, input, loadInto } from './coordinator.js';
import { homeFinder } from './home.js';

// ---------------------------------------------------------------- my password

/** Changing one's own password; `ctx.forced` when a one-time password must be replaced first,
 * then `ctx.done()` goes on to the role's home. */
export function password(main, ctx) {
  const fields = {};
  function secret(key, label, autocomplete, hint) {
    const id = `password-${key}`;
    const control = h('input', {
      type: 'password', autocomplete, required: true, maxlength: 200,
      'aria-describedby': hint ? `${id}-hint ${id}-error` : `${id}-error`,
    });
    const err = h('p', { id: `${id}-error`, class: 'error field-error' });
    fields[key] = { control, err };
    const box = field(id, label, control);
    if (hint) box.append(h('p', { id: `${id}-hint`, class: 'muted hint' }, hint));
    box.append(err);
    return box;
  }
  const general = h('div', { id: 'password-error', class: 'error', role: 'alert' });
  const save = h('button', { id: 'password-save', type: 'submit', class: 'primary big' }, t('account.save'));
  const form = h('form', { id: 'password-form', class: 'card narrow accounts-view', novalidate: true },
    h('h1', {}, t(ctx.forced ? 'account.forced_title' : 'account.title')),
    ctx.forced ? h('p', { id: 'password-forced', class: 'notice' }, t('account.forced_intro')) : null,
    secret('current', t(ctx.forced ? 'account.current_one_time' : 'account.current'), 'current-password'),
    secret('new', t('account.new'), 'new-password', t('account.new_hint')),
    secret('repeat', t('account.repeat'), 'new-password'),
    general, save);

  function mark(key, text) {
    const { control, err } = fields[key];
    err.textContent = text;
    control.setAttribute('aria-invalid', 'true');
  }
  function unmark() {
    clear(general);
    for (const { control, err } of Object.values(fields)) {
      err.textContent = '';
      control.removeAttribute('aria-invalid');
    }
  }
  function focusFirstWrong() {
    const wrong = form.querySelector('[aria-invalid=true]');
    if (wrong) wrong.focus();
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    unmark();
    const value = (key) => fields[key].control.value;
    if (!value('current')) mark('current', t('account.required'));
    if (!value('new')) mark('new', t('account.required'));
    else if (value('repeat') !== value('new')) mark('repeat', t('account.mismatch'));
    if (form.querySelector('[aria-invalid=true]')) {
      focusFirstWrong();
      return;
    }
    save.disabled = true;
    try {
      await api('PUT', '/api/me/password', { json: { current: value('current'), new: value('new') } });
      form.reset();
      ctx.notify(t('account.changed'));
      if (ctx.forced) ctx.done();
    } catch (e) {
      // The server names the field (`current`, `new`) with a coded problem: shown under it.
      const all = e.fields || [];
      const rest = all.filter((f) => {
        if (!fields[f.field]) return true;
        mark(f.field, fieldMessage(f));
        return false;
      });
      if (!all.length || rest.length) {
        e.fields = rest;
        errorInto(general, e);
      }
      focusFirstWrong();
    } finally {
      save.disabled = false;
    }
  });
  main.append(form);
  fields.current.control.focus();
  return null;
}

// ---------------------------------------------------------------- one-time passwords

/** Shows a new one-time password once, in a modal dialog; closing it forgets the password. */
export function showOneTime(ctx, answer, name) {
  const value = h('p', { id: 'otp-value', class: 'otp', translate: 'no' }, answer.one_time_password);
  const copy = h('button', { id: 'otp-copy', type: 'button' }, t('otp.copy'));
  const close = h('button', { id: 'otp-close', type: 'button', class: 'primary' }, t('otp.close'));
  const dialog = h('dialog', { id: 'otp-dialog', class: 'otp-dialog accounts-view', 'aria-labelledby': 'otp-title', 'aria-describedby': 'otp-hint' },
    h('h2', { id: 'otp-title' }, t('otp.title', { name })),
    h('p', { id: 'otp-user' }, t('otp.user', { username: answer.username })),
    value,
    h('p', { id: 'otp-hint', class: 'notice' }, t('otp.hint')),
    h('div', { class: 'actions' }, copy, close));
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(value.textContent);
      ctx.notify(t('otp.copied'));
    } catch (e) {
      // No clipboard (an older browser, a page not served over HTTPS): select it for the user.
      getSelection().selectAllChildren(value);
      ctx.notify(t('otp.copy_by_hand'));
    }
  });
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    clear(value);
    dialog.remove();
  });
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
}

// ---------------------------------------------------------------- account lists

/** How an account stands: deactivated, waiting for its first own password, or active. */
function standing(u) {
  if (!u.active) return t('account.inactive');
  return u.must_change_password ? t('account.one_time') : t('account.active');
}

/**
 * The accounts table: login, name, role, where they work (`where(u)`), standing, and for the
 * ones `manages(u)` two-tap buttons to reset the password (the new one-time password shown
 * once) and to deactivate or reactivate; `reload()` after each.
 */
function accountTable(list, ctx, { where, manages, reload }) {
  async function reset(u) {
    try {
      const answer = await api('POST', `/api/users/${u.user_id}/reset-password`);
      showOneTime(ctx, answer, u.display_name);
    } catch (e) {
      ctx.notify(errorText(e), 'error');
    }
    reload();
  }
  async function setActive(u, active) {
    try {
      await api('PUT', `/api/users/${u.user_id}/active`, { json: { active } });
      ctx.notify(t(active ? 'account.reactivated' : 'account.deactivated', { name: u.display_name }));
    } catch (e) {
      ctx.notify(errorText(e), 'error');
    }
    reload();
  }
  function actions(u) {
    if (!manages(u)) return h('td', {});
    const name = u.display_name;
    const toggle = u.active ? 'deactivate' : 'reactivate';
    const active = twoTap(`user-active-${u.user_id}`, {
      label: t(`account.${toggle}`),
      named: t(`account.${toggle}_named`, { name }),
      confirm: t(`account.${toggle}_confirm`),
      confirmNamed: t(`account.${toggle}_confirm_named`, { name }),
    }, ctx.notify, () => setActive(u, !u.active));
    if (!u.active) active.className = '';
    const resetBtn = twoTap(`user-reset-${u.user_id}`, {
      label: t('account.reset'),
      named: t('account.reset_named', { name }),
      confirm: t('account.reset_confirm'),
      confirmNamed: t('account.reset_confirm_named', { name }),
    }, ctx.notify, () => reset(u));
    resetBtn.className = '';
    return h('td', {}, h('div', { class: 'row-actions' }, u.active ? resetBtn : null, active));
  }
  return table({ id: 'user-table' }, t('account.caption', { n: list.length }),
    [t('account.username'), t('account.display_name'), t('account.role'), t('account.where'), t('account.standing'), t('fleet.actions')],
    list.map((u) => h('tr', { 'data-testid': `user-row-${u.user_id}`, class: u.active ? null : 'inactive' },
      h('td', { translate: 'no' }, u.username), h('td', {}, u.display_name), h('td', {}, t(`role.${u.role}`)),
      h('td', {}, where(u) || '—'),
      h('td', { 'data-testid': `user-status-${u.user_id}`, 'data-active': u.active ? 'yes' : 'no' }, standing(u)),
      actions(u))));
}

const byName = (a, b) => (a.display_name || a.username).localeCompare(b.display_name || b.username);

// ---------------------------------------------------------------- admin: offices and coordinators

export function admin(main, ctx) {
  const data = { districts: [], users: [], communities: [] };
  const districtBox = h('div', {});
  const userBox = h('div', {});
  const districtSelect = h('select', { required: true });
  const shown = h('select', {});
  shown.addEventListener('change', () => {
    sessionStorage.setItem('vaxride.accounts.district', shown.value);
    render();
  });

  function render() {
    const officeName = new Map(data.districts.map((d) => [d.id, d.name]));
    const communityName = new Map(data.communities.map((c) => [c.id, c.name]));
    clear(districtBox).append(data.districts.length
      ? table({ id: 'district-table' }, t('admin.districts_caption', { n: data.districts.length }),
        [t('admin.district'), t('admin.coordinators'), t('admin.accounts')],
        data.districts.map((d) => {
          const staff = data.users.filter((u) => u.district_id === d.id);
          return h('tr', { 'data-testid': `district-row-${d.id}` },
            h('td', {}, d.name),
            h('td', {}, staff.filter((u) => u.role === 'coordinator').map((u) => u.display_name).join(', ') || '—'),
            h('td', { class: 'num' }, staff.length));
        }))
      : h('p', { id: 'district-empty', class: 'muted' }, t('admin.no_districts')));
    const keep = districtSelect.value;
    clear(districtSelect).append(...data.districts.map((d) => h('option', { value: d.id }, d.name)));
    if (keep) districtSelect.value = keep;
    const remembered = sessionStorage.getItem('vaxride.accounts.district') || '';
    clear(shown).append(h('option', { value: '' }, t('admin.every_office')),
      ...data.districts.map((d) => h('option', { value: d.id }, d.name)));
    shown.value = officeName.has(Number(remembered)) ? remembered : '';
    const list = data.users
      .filter((u) => !shown.value || u.district_id === Number(shown.value))
      .sort(byName);
    clear(userBox).append(accountTable(list, ctx, {
      where: (u) => [officeName.get(u.district_id), communityName.get(u.community_id)].filter(Boolean).join(' · '),
      manages: (u) => u.user_id !== ctx.me.user_id,
      reload: load,
    }));
  }

  const load = () => loadInto(data, {
    districts: '/api/districts', users: '/api/users', communities: '/api/communities',
  }, render, ctx);

  const districtForm = addForm('district', t('admin.add_district'), [
    field('district-name', t('admin.district'), input({ required: true, maxlength: 100 })),
  ], async (v) => {
    await api('POST', '/api/districts', { json: { name: v('name') } });
    ctx.notify(t('saved'));
    await load();
  });
  const coordinatorForm = addForm('coordinator', t('admin.add_coordinator'), [
    field('coordinator-district', t('admin.district'), districtSelect),
    field('coordinator-username', t('account.username'), input({ required: true, maxlength: 40, autocapitalize: 'none', spellcheck: 'false' })),
    field('coordinator-display', t('account.display_name'), input({ required: true, maxlength: 100 })),
  ], async (v) => {
    const answer = await api('POST', '/api/users', {
      json: {
        role: 'coordinator', district_id: v('district') ? Number(v('district')) : null,
        username: v('username').trim(), display_name: v('display'),
      },
    });
    showOneTime(ctx, answer, v('display'));
    await load();
  });

  main.append(h('div', { class: 'accounts-view' },
    h('h1', {}, t('admin.title')),
    h('section', { 'aria-labelledby': 'h-districts' }, h('h2', { id: 'h-districts' }, t('admin.districts')), districtForm, districtBox),
    h('section', { 'aria-labelledby': 'h-accounts' }, h('h2', { id: 'h-accounts' }, t('admin.accounts_title')),
      coordinatorForm,
      h('div', { class: 'row' }, field('account-district', t('admin.show_office'), shown)),
      userBox)));
  load();
  return null;
}

// ---------------------------------------------------------------- coordinator: people

export function people(main, ctx) {
  const data = { communities: [], users: [], drivers: [], vehicles: [] };
  const communityBox = h('div', {});
  const userBox = h('div', {});
  const communitySelect = h('select', { required: true });
  const driverSelect = h('select', { required: true });
  const driverNote = h('p', { id: 'driver-login-note', class: 'muted' });

  function render() {
    const communityName = new Map(data.communities.map((c) => [c.id, c.name]));
    const vehicleName = new Map(data.vehicles.map((v) => [v.id, v.name]));
    const driverOf = new Map(data.drivers.map((d) => [d.id, d]));
    const driverText = (d) => `${d.name} · ${vehicleName.get(d.vehicle_id) || t('people.no_vehicle')}`;
    clear(communityBox).append(data.communities.length
      ? table({ id: 'community-table' }, t('people.communities_caption', { n: data.communities.length }),
        [t('people.community'), t('people.secretaries')],
        data.communities.map((c) => h('tr', { 'data-testid': `community-row-${c.id}` },
          h('td', {}, c.name),
          h('td', {}, data.users.filter((u) => u.role === 'secretary' && u.community_id === c.id)
            .map((u) => u.display_name).join(', ') || '—'))))
      : h('p', { id: 'community-empty', class: 'muted' }, t('people.no_communities')));
    const keepCommunity = communitySelect.value;
    clear(communitySelect).append(...data.communities.map((c) => h('option', { value: c.id }, c.name)));
    if (keepCommunity) communitySelect.value = keepCommunity;
    // A driver has at most one login: offer those without.
    const withLogin = new Set(data.users.map((u) => u.driver_id).filter((d) => d !== null && d !== undefined));
    const free = data.drivers.filter((d) => !withLogin.has(d.id));
    const keepDriver = driverSelect.value;
    clear(driverSelect).append(...free.map((d) => h('option', { value: d.id }, driverText(d))));
    if (keepDriver) driverSelect.value = keepDriver;
    driverNote.textContent = free.length ? '' : t('people.no_free_driver');
    const list = [...data.users].sort(byName);
    clear(userBox).append(accountTable(list, ctx, {
      where: (u) => {
        if (u.role === 'secretary') return communityName.get(u.community_id);
        const d = driverOf.get(u.driver_id);
        return d ? driverText(d) : null;
      },
      manages: (u) => (u.role === 'secretary' || u.role === 'driver') && u.user_id !== ctx.me.user_id,
      reload: load,
    }));
  }

  const load = () => loadInto(data, {
    communities: '/api/communities', users: '/api/users', drivers: '/api/drivers', vehicles: '/api/vehicles',
  }, render, ctx);

  // The centre found by address, a tap on the map or a pasted pair (the home finder's ways).
  const centreFinder = homeFinder({
    home: null,
    what: 'centre',
    onPick: ({ lon, lat }) => {
      communityForm.querySelector('#community-lon').value = lon.toFixed(6);
      communityForm.querySelector('#community-lat').value = lat.toFixed(6);
    },
  });
  const communityForm = addForm('community', t('people.add_community'), [
    field('community-name', t('people.community'), input({ required: true, maxlength: 100 })),
    field('community-lon', t('people.centre_lon'), input({ inputmode: 'decimal', required: true })),
    field('community-lat', t('people.centre_lat'), input({ inputmode: 'decimal', required: true })),
  ], async (v) => {
    await api('POST', '/api/communities', {
      json: { name: v('name'), centre: { lon: Number(v('lon')), lat: Number(v('lat')) } },
    });
    ctx.notify(t('saved'));
    await load();
  });
  communityForm.querySelector('form .grid').before(centreFinder);
  const secretaryForm = addForm('secretary', t('people.add_secretary'), [
    field('secretary-username', t('account.username'), input({ required: true, maxlength: 40, autocapitalize: 'none', spellcheck: 'false' })),
    field('secretary-display', t('account.display_name'), input({ required: true, maxlength: 100 })),
    field('secretary-community', t('people.community'), communitySelect),
  ], async (v) => {
    const answer = await api('POST', '/api/users', {
      json: {
        role: 'secretary', username: v('username').trim(), display_name: v('display'),
        community_id: v('community') ? Number(v('community')) : null,
      },
    });
    showOneTime(ctx, answer, v('display'));
    await load();
  });
  const driverForm = addForm('driver-login', t('people.add_driver_login'), [
    field('driver-login-username', t('account.username'), input({ required: true, maxlength: 40, autocapitalize: 'none', spellcheck: 'false' })),
    field('driver-login-driver', t('people.driver'), driverSelect),
  ], async (v) => {
    const driver = data.drivers.find((d) => d.id === Number(v('driver')));
    const answer = await api('POST', '/api/users', {
      json: {
        role: 'driver', username: v('username').trim(), display_name: driver ? driver.name : v('username').trim(),
        driver_id: driver ? driver.id : null,
      },
    });
    showOneTime(ctx, answer, driver ? driver.name : answer.username);
    await load();
  });
  driverForm.querySelector('form').prepend(driverNote,
    h('p', { class: 'muted' }, t('people.driver_hint'), ' ',
      h('a', { href: '#/coordinator/fleet', class: 'inline-link' }, t('nav.fleet'))));

  main.append(h('div', { class: 'accounts-view' },
    h('h1', {}, t('people.title')),
    h('section', { 'aria-labelledby': 'h-communities' }, h('h2', { id: 'h-communities' }, t('people.communities')), communityForm, communityBox),
    h('section', { 'aria-labelledby': 'h-people' }, h('h2', { id: 'h-people' }, t('people.accounts')), secretaryForm, driverForm, userBox)));
  load();
  return null;
}
