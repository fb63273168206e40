/* global axios */
// The demo SPA: plain browser JavaScript with axios's browser build, no bundler.
// It runs on the API's own origin (/spa/ on the demo app) or on another origin
// (`npm run demo:spa`), and picks the CSRF flow each one needs.
'use strict';

const config = window.SPA_CONFIG || { apiBase: '' };
const apiOrigin = new URL(config.apiBase || '/', window.location.href).origin;
const crossOrigin = apiOrigin !== window.location.origin;

// withCredentials: send and accept the API's cookies, also cross-origin (CORS_ORIGINS must list
// this page's origin). Same origin: axios copies the XSRF-TOKEN cookie into X-XSRF-TOKEN by
// itself. Cross-origin: this page cannot read the API's cookie, so it asks GET /auth/csrf for the
// token and sets the header itself; withXSRFToken: false keeps axios out of that.
// Over HTTPS the API's session cookie is __Host-sid, and its CSRF cookie then __Host-XSRF-TOKEN
// (a sibling subdomain cannot plant that one): axios must read the cookie under that name.
const api = axios.create({
  baseURL: config.apiBase || '/',
  withCredentials: true,
  withXSRFToken: crossOrigin ? false : undefined,
  xsrfCookieName: window.location.protocol === 'https:' ? '__Host-XSRF-TOKEN' : 'XSRF-TOKEN',
  timeout: 10000,
});

let csrfToken;
const UNSAFE = ['post', 'put', 'patch', 'delete'];

api.interceptors.request.use((request) => {
  if (crossOrigin && csrfToken && UNSAFE.includes(request.method)) {
    request.headers.set('X-XSRF-TOKEN', csrfToken);
  }
  return request;
});

/** Gets this browser's token (and, same-origin, the cookie axios echoes). Call it again after
 * login and logout: both change it. */
async function refreshCsrf() {
  csrfToken = (await api.get('auth/csrf')).data.token;
}

const $ = (id) => document.getElementById(id);

function showError(err) {
  const box = $('error');
  if (!err) {
    box.hidden = true;
    box.textContent = '';
    return;
  }
  const data = err.response && err.response.data;
  const status = err.response ? `${err.response.status} ` : '';
  // A CORS refusal reaches the page only as a bare "Network Error": that is the point of it.
  box.textContent = `${status}${(data && data.message) || err.message}`;
  box.hidden = false;
}

async function run(action) {
  showError(undefined);
  try {
    await action();
  } catch (err) {
    showError(err);
  }
}

function showSignedOut() {
  $('signed-in').hidden = true;
  $('second-factor').hidden = true;
  $('signed-out').hidden = false;
}

/** The password checked out and the account has a second factor: ask for the code. */
function showCodeStep() {
  $('signed-out').hidden = true;
  $('second-factor').hidden = false;
  $('code').focus();
}

function showProfile(profile) {
  $('me-name').textContent = profile.displayName;
  $('me-email').textContent = profile.email;
  $('me-roles').textContent = profile.roles.join(', ');
  $('signed-out').hidden = true;
  $('second-factor').hidden = true;
  $('signed-in').hidden = false;
}

async function loadMe() {
  try {
    showProfile((await api.get('auth/me')).data.profile);
    await loadSessions();
  } catch (err) {
    const code = err.response && err.response.data && err.response.data.code;
    if (code === 'second_factor_required') return showCodeStep();
    if (err.response && err.response.status === 401) return showSignedOut();
    throw err;
  }
}

async function loadSessions() {
  const list = $('sessions');
  list.replaceChildren();
  let data;
  try {
    data = (await api.get('auth/sessions')).data;
  } catch (err) {
    if (err.response && err.response.status === 404) {
      $('sessions-note').textContent = 'This server has no session list.';
      return;
    }
    throw err;
  }
  const sessions = Array.isArray(data) ? data : data.sessions || [];
  $('sessions-note').textContent = `${sessions.length} active session(s).`;
  for (const s of sessions) list.append(sessionItem(s));
}

function sessionItem(s) {
  const item = document.createElement('li');
  item.className = s.current ? 'current' : '';
  item.dataset.sessionId = s.id;
  const seen = s.lastSeenAt ? new Date(s.lastSeenAt).toLocaleString() : '?';
  item.textContent = `${s.current ? 'This browser' : s.userAgent || 'Unknown browser'} · ${
    s.ip || '?'
  } · last seen ${seen} `;
  if (!s.current) {
    const revoke = document.createElement('button');
    revoke.type = 'button';
    revoke.className = 'revoke';
    revoke.textContent = 'Revoke';
    revoke.addEventListener('click', () =>
      run(async () => {
        await api.delete(`auth/sessions/${encodeURIComponent(s.id)}`);
        await loadSessions();
      }),
    );
    item.append(revoke);
  }
  return item;
}

$('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(async () => {
    const { data } = await api.post('auth/login', {
      email: $('email').value,
      password: $('password').value,
      remember: $('remember').checked,
    });
    $('password').value = '';
    await refreshCsrf();
    if (data.secondFactorRequired) return showCodeStep();
    showProfile(data.profile);
    await loadSessions();
  });
});

$('code-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(async () => {
    try {
      const { data } = await api.post('auth/second-factor', { code: $('code').value.trim() });
      await refreshCsrf();
      showProfile(data.profile);
      await loadSessions();
    } catch (err) {
      // The wait for the code ended: start again at the password.
      const code = err.response && err.response.data && err.response.data.code;
      if (code === 'second_factor_expired' || code === 'second_factor_not_pending') showSignedOut();
      throw err;
    } finally {
      $('code').value = '';
    }
  });
});

$('logout').addEventListener('click', () =>
  run(async () => {
    await api.post('auth/logout');
    await refreshCsrf();
    showSignedOut();
  }),
);

$('refresh').addEventListener('click', () => run(loadMe));

$('mode').textContent = crossOrigin
  ? `API at ${apiOrigin} (cross-origin: token from GET /auth/csrf)`
  : 'API on this origin (token from the XSRF-TOKEN cookie)';
run(async () => {
  await refreshCsrf();
  await loadMe();
});
