/**
 * The QA page: the elements live against the local backend, a control panel for every event and
 * fault, a user switcher, theme and locale pickers.
 *
 * Where the backend is: `?backend=` in the page URL, else `VITE_RT_BACKEND_URL` (set by `npm start`),
 * else http://127.0.0.1:54321. The anon key and the demo users come from `GET /__demo/config`; the
 * page never holds the service_role key: the control panel calls `/__demo/*`, which the backend
 * answers only for pages on this machine and only with dev controls on.
 *
 * Page URL options (handy for QA links, screenshots and the end-to-end tests):
 *   ?user=bob@example.com  ?theme=light|dark|system  ?locale=de-DE  ?backend=http://127.0.0.1:PORT
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import '../src/index.ts';

// ------------------------------------------------------------------ types and small helpers

interface DemoUser {
  id: string;
  email: string;
  name: string;
  orgId: string;
  orgName: string;
  role: string;
}
interface DemoConfig {
  url: string;
  anonKey: string;
  password: string;
  users: DemoUser[];
}
interface DemoState {
  simulator: { started: boolean; paused: boolean; running: boolean; tickMs: number };
  tokenTtlSeconds: number;
  realtimePausedUntil: string | null;
}
type Theme = 'light' | 'dark' | 'system';
type ProviderEl = HTMLElement & { client?: unknown; theme?: string; locale?: string };

/** The seeded rows the gallery points at (server/seed.ts). */
const SEEDED_STREAM_BY_ORG: Record<string, string> = {
  '00000000-0000-4000-a000-00000000ac01': '5a000000-0000-4000-8000-000000000001',
  '00000000-0000-4000-a000-0000000061e0': '5a000000-0000-4000-8000-000000000003',
};
const SEEDED_SCAN_BY_USER: Record<string, string> = {
  '11111111-1111-4111-8111-111111111111': '5c000000-0000-4000-8000-000000000001',
  '22222222-2222-4222-8222-222222222222': '5c000000-0000-4000-8000-000000000002',
};

const params = new URLSearchParams(location.search);
const env = (import.meta as unknown as { env?: Record<string, string | undefined> }).env ?? {};
const BACKEND = backendUrl();
const $ = <T extends Element = HTMLElement>(sel: string) => document.querySelector(sel) as T;

function backendUrl(): string {
  const fromQuery = params.get('backend');
  if (fromQuery) {
    try {
      const u = new URL(fromQuery);
      if (u.protocol === 'http:' || u.protocol === 'https:') return u.origin;
    } catch {
      /* fall through */
    }
  }
  return (env.VITE_RT_BACKEND_URL || 'http://127.0.0.1:54321').replace(/\/+$/, '');
}

const provider = $<ProviderEl>('#provider');
const dashboard = $('#dashboard-el');
const userSelect = $<HTMLSelectElement>('#user-select');
const streamSelect = $<HTMLSelectElement>('#stream-select');
const logList = $<HTMLOListElement>('#log');

let config: DemoConfig | null = null;
let current: { user: DemoUser; supabase: SupabaseClient } | null = null;
let switching: Promise<void> | null = null;

// ------------------------------------------------------------------ backend calls

class DemoError extends Error {}

async function demoCall<T = Record<string, unknown>>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${BACKEND}/__demo/${path}`, {
      method: init.method ?? 'POST',
      headers: init.body === undefined ? undefined : { 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch {
    throw new DemoError(`cannot reach the backend at ${BACKEND}`);
  }
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    /* not JSON */
  }
  if (!res.ok) throw new DemoError(String(body.message ?? `${res.status} ${res.statusText}`));
  return body as T;
}

// ------------------------------------------------------------------ activity log and toasts

const timeFmt = () => new Intl.DateTimeFormat(provider.locale || 'en-US', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function log(message: string, kind: 'ok' | 'error' | 'info' = 'ok'): void {
  const li = document.createElement('li');
  li.className = `log__item log__item--${kind}`;
  const time = document.createElement('time');
  time.textContent = timeFmt().format(new Date());
  const text = document.createElement('span');
  text.textContent = message;
  li.append(time, text);
  logList.prepend(li);
  while (logList.children.length > 8) logList.lastElementChild?.remove();
}

function toast(title: string, body: string, tone: 'critical' | 'info' = 'info'): void {
  const box = $('#toasts');
  const el = document.createElement('div');
  el.className = `toast toast--${tone}`;
  el.setAttribute('role', tone === 'critical' ? 'alert' : 'status');
  const t = document.createElement('strong');
  t.textContent = title;
  const b = document.createElement('span');
  b.textContent = body;
  el.append(t, b);
  box.append(el);
  while (box.children.length > 3) box.firstElementChild?.remove();
  setTimeout(() => el.classList.add('toast--out'), 4500);
  setTimeout(() => el.remove(), 5000);
}

function banner(message: string | null): void {
  const el = $('#banner');
  el.hidden = !message;
  el.textContent = message ?? '';
}

// ------------------------------------------------------------------ theme and locale

const darkQuery = matchMedia('(prefers-color-scheme: dark)');

function applyTheme(choice: Theme): void {
  const resolved = choice === 'system' ? (darkQuery.matches ? 'dark' : 'light') : choice;
  document.documentElement.dataset.theme = resolved;
  document.documentElement.style.colorScheme = resolved;
  provider.theme = choice;
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-theme-choice]')) {
    const on = b.dataset.themeChoice === choice;
    b.setAttribute('aria-checked', String(on));
    b.tabIndex = on ? 0 : -1;
  }
  localStorage.setItem('rt-demo-theme', choice);
}

function applyLocale(locale: string): void {
  provider.locale = locale;
  document.documentElement.lang = locale;
  document.documentElement.dir = locale.startsWith('ar') ? 'rtl' : 'ltr';
  $<HTMLSelectElement>('#locale-select').value = locale;
  localStorage.setItem('rt-demo-locale', locale);
}

function setupPrefs(): void {
  const themes: Theme[] = ['light', 'dark', 'system'];
  const wanted = (params.get('theme') ?? localStorage.getItem('rt-demo-theme') ?? 'system') as Theme;
  applyTheme(themes.includes(wanted) ? wanted : 'system');
  darkQuery.addEventListener('change', () => applyTheme((provider.theme as Theme) ?? 'system'));
  const picker = $('#theme-picker');
  picker.addEventListener('click', (e) => {
    const b = (e.target as Element).closest<HTMLButtonElement>('[data-theme-choice]');
    if (b) applyTheme(b.dataset.themeChoice as Theme);
  });
  picker.addEventListener('keydown', (e) => {
    if (!['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'].includes(e.key)) return;
    e.preventDefault();
    const i = themes.indexOf((provider.theme as Theme) ?? 'system');
    const next = themes[(i + (e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? themes.length - 1 : 1)) % themes.length]!;
    applyTheme(next);
    picker.querySelector<HTMLButtonElement>(`[data-theme-choice="${next}"]`)?.focus();
  });

  const localeSelect = $<HTMLSelectElement>('#locale-select');
  const locales = [...localeSelect.options].map((o) => o.value);
  const wantedLocale = params.get('locale') ?? localStorage.getItem('rt-demo-locale') ?? 'en-US';
  if (!locales.includes(wantedLocale)) localeSelect.add(new Option(wantedLocale, wantedLocale));
  applyLocale(wantedLocale);
  localeSelect.addEventListener('change', () => applyLocale(localeSelect.value));

  const modeSelect = $<HTMLSelectElement>('#mode-select');
  const wantedMode = params.get('mode') ?? localStorage.getItem('rt-demo-mode') ?? 'postgres_changes';
  applyMode(wantedMode === 'broadcast' ? 'broadcast' : 'postgres_changes');
  modeSelect.addEventListener('change', () => applyMode(modeSelect.value === 'broadcast' ? 'broadcast' : 'postgres_changes'));
}

/**
 * postgres_changes (Realtime checks RLS per subscriber and change) or Broadcast from Database
 * (private org:/user: topics, authorized once at join): the provider rebuilds its client.
 */
function applyMode(mode: 'postgres_changes' | 'broadcast'): void {
  provider.setAttribute('realtime-mode', mode);
  $<HTMLSelectElement>('#mode-select').value = mode;
  $('#mode-name').textContent =
    mode === 'broadcast'
      ? 'Broadcast from Database (private topics org:<id> and user:<id>, RLS checked once per join)'
      : 'postgres_changes (RLS checked per subscriber on every change)';
  document.documentElement.dataset.realtimeMode = mode;
  localStorage.setItem('rt-demo-mode', mode);
}

// ------------------------------------------------------------------ users

async function signIn(user: DemoUser): Promise<void> {
  if (!config) return;
  const supabase = createClient(config.url, config.anonKey, {
    // One client per user, each with its own storage key: no shared session between users.
    auth: { persistSession: false, autoRefreshToken: true, storageKey: `rt-demo-${user.id}` },
  });
  const { error } = await supabase.auth.signInWithPassword({ email: user.email, password: config.password });
  if (error) throw new DemoError(`could not sign in as ${user.email}: ${error.message}`);
  const previous = current;
  current = { user, supabase };
  // The gallery's widgets carry the previous user's stream and scan ids: take them off the page
  // before the next user's client arrives (they would read those ids as that user: "not found").
  if (previous) $('#gallery-grid').replaceChildren();
  // The provider reuses this client's socket and session (token refreshes included).
  provider.client = supabase;
  dashboard.setAttribute('org-id', user.orgId);
  dashboard.setAttribute('user-id', user.id);
  dashboard.setAttribute('heading', `${user.orgName} workspace`);
  $('#whoami').textContent = `${user.name} (${user.email}, ${user.orgName})`;
  userSelect.value = user.email;
  localStorage.setItem('rt-demo-user', user.email);
  await refreshStreams(); // also finds the user's newest scan for the gallery
  renderGallery(user);
  if (previous) {
    // After the elements moved to the new client: close the old one's socket and session.
    setTimeout(() => {
      void previous.supabase.removeAllChannels();
      void previous.supabase.auth.signOut({ scope: 'local' }).catch(() => {});
      previous.supabase.realtime.disconnect();
    }, 500);
  }
}

function switchUser(email: string): Promise<void> {
  const user = config?.users.find((u) => u.email === email);
  if (!user) return Promise.resolve();
  const run = async () => {
    userSelect.disabled = true;
    try {
      await signIn(user);
      log(`Signed in as ${user.name} (${user.orgName})`, 'info');
    } catch (err) {
      log((err as Error).message, 'error');
      if (current) userSelect.value = current.user.email;
    } finally {
      userSelect.disabled = false;
    }
  };
  switching = (switching ?? Promise.resolve()).then(run);
  return switching;
}

// ------------------------------------------------------------------ gallery

interface GalleryItem {
  tag: string;
  title: string;
  about: string;
  attrs: Record<string, string | true>;
  /** More copies with other attributes (fixed states, sizes), shown under the live one. */
  variants?: { label: string; items: Record<string, string | true>[] };
  wide?: boolean;
}

function galleryItems(user: DemoUser): GalleryItem[] {
  const streamId = SEEDED_STREAM_BY_ORG[user.orgId] ?? '';
  const ownScan = SEEDED_SCAN_BY_USER[user.id] ?? latestScanId;
  const scanId = ownScan ?? SEEDED_SCAN_BY_USER['11111111-1111-4111-8111-111111111111']!;
  return [
    {
      tag: 'rt-connection-status',
      title: 'Connection status',
      about: 'The page’s one realtime connection: icon and text, never colour alone.',
      attrs: { size: 'lg' },
      variants: {
        label: 'Fixed states (status attribute), small size',
        items: [
          { status: 'connected', size: 'sm' },
          { status: 'connecting', size: 'sm' },
          { status: 'disconnected', size: 'sm' },
          { status: 'error', size: 'sm' },
        ],
      },
    },
    { tag: 'rt-multi-connection-status', title: 'Subscriptions', about: 'Every shared channel on the page and its status.', attrs: {} },
    {
      tag: 'rt-progress',
      title: 'Progress (presentational)',
      about: 'Values set by the page, no data binding.',
      attrs: { label: 'Importing contacts', percentage: '68', status: 'in_progress', 'current-step': 'Matching companies', completed: '340', total: '500' },
    },
    { tag: 'rt-stream-progress', title: 'Stream progress', about: 'One stream’s live progress.', attrs: { 'stream-id': streamId } },
    { tag: 'rt-stream-card', title: 'Stream card', about: 'Progress, status, running agents, live badge.', attrs: { 'stream-id': streamId } },
    {
      tag: 'rt-scan-progress',
      title: 'Scan progress',
      about: ownScan
        ? 'Status, current step, targets analysed of identified.'
        : `${user.name} has no scan yet, so this points at another user’s scan: the “no access” state. Start a scan to see it live.`,
      attrs: { 'scan-id': scanId },
    },
    { tag: 'rt-agent-executions', title: 'Agent executions', about: 'Running agents first, then recent outcomes. Its own heading: the dashboard holds one too.', attrs: { 'stream-id': streamId, heading: 'Agents on this stream' } },
    { tag: 'rt-signal-alerts', title: 'Signal alerts', about: 'Newest buying signals, unread badge, mark as read.', attrs: { 'user-id': user.id, 'max-items': '5', heading: 'Your buying signals' } },
    { tag: 'rt-notifications', title: 'Notifications', about: 'The user’s feed with type icons and unread count.', attrs: { 'user-id': user.id, 'max-items': '5', heading: 'Your notifications' } },
  ];
}

let latestScanId: string | null = null;

function markup(tag: string, attrs: Record<string, string | true>): string {
  const parts = Object.entries(attrs).map(([k, v]) => (v === true ? k : `${k}="${v}"`));
  const oneLine = `<${tag}${parts.map((p) => ` ${p}`).join('')}></${tag}>`;
  if (oneLine.length <= 56) return oneLine;
  return `<${tag}\n${parts.map((p) => `  ${p}`).join('\n')}\n></${tag}>`;
}

function snippet(item: GalleryItem): string {
  return [item.attrs, ...(item.variants?.items ?? [])].map((a) => markup(item.tag, a)).join('\n');
}

function makeElement(tag: string, attrs: Record<string, string | true>): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v === true ? '' : v);
  return el;
}

function renderGallery(user: DemoUser): void {
  const grid = $('#gallery-grid');
  const cards: HTMLElement[] = [];
  for (const item of galleryItems(user)) {
    const card = document.createElement('article');
    card.className = `card${item.wide ? ' card--wide' : ''}`;
    card.dataset.tag = item.tag;
    const head = document.createElement('header');
    head.className = 'card__head';
    const h = document.createElement('h3');
    h.className = 'card__title';
    h.textContent = item.title;
    const tag = document.createElement('code');
    tag.className = 'card__tag';
    tag.textContent = `<${item.tag}>`;
    head.append(h, tag);
    const about = document.createElement('p');
    about.className = 'card__about';
    about.textContent = item.about;
    const stage = document.createElement('div');
    stage.className = 'card__stage';
    stage.append(makeElement(item.tag, item.attrs));
    if (item.variants) {
      const row = document.createElement('div');
      row.className = 'card__variants';
      const label = document.createElement('span');
      label.className = 'card__variants-label';
      label.textContent = item.variants.label;
      row.append(label, ...item.variants.items.map((a) => makeElement(item.tag, a)));
      stage.append(row);
    }
    const pre = document.createElement('pre');
    pre.className = 'card__code';
    pre.tabIndex = 0; // it scrolls sideways on a phone: reachable by keyboard (QA84 F5)
    const code = document.createElement('code');
    code.textContent = snippet(item);
    pre.append(code);
    card.append(head, about, stage, pre);
    cards.push(card);
  }
  grid.replaceChildren(...cards);
}

// ------------------------------------------------------------------ streams list for the controls

async function refreshStreams(): Promise<void> {
  if (!current) return;
  const { data, error } = await current.supabase
    .from('streams')
    .select('id,name,goal_status')
    .order('updated_at', { ascending: false })
    .limit(30);
  if (error || !data) return;
  const keep = streamSelect.value;
  const options = [new Option('Most recent active stream', '')];
  for (const s of data as { id: string; name: string; goal_status: string }[]) {
    options.push(new Option(`${s.name} · ${s.goal_status.replace('_', ' ')}`, s.id));
  }
  streamSelect.replaceChildren(...options);
  streamSelect.value = data.some((s: { id: string }) => s.id === keep) ? keep : '';
  const scans = await current.supabase.from('acquisition_scans').select('id').order('created_at', { ascending: false }).limit(1);
  latestScanId = (scans.data?.[0] as { id: string } | undefined)?.id ?? null;
}

// ------------------------------------------------------------------ the control panel

let pauseTimer: ReturnType<typeof setInterval> | undefined;

function showPauseCountdown(untilIso: string | null): void {
  clearInterval(pauseTimer);
  const label = $('#pause-label');
  const btn = label.closest('button')!;
  if (!untilIso) {
    label.textContent = 'Pause realtime for 15 s';
    btn.classList.remove('is-active');
    return;
  }
  const until = Date.parse(untilIso);
  const tick = () => {
    const left = Math.ceil((until - Date.now()) / 1000);
    if (left <= 0) {
      clearInterval(pauseTimer);
      label.textContent = 'Pause realtime for 15 s';
      btn.classList.remove('is-active');
      log('Realtime is accepting connections again', 'info');
      return;
    }
    label.textContent = `Realtime paused · ${left} s left`;
    btn.classList.add('is-active');
  };
  tick();
  pauseTimer = setInterval(tick, 250);
}

function renderSimulator(state: DemoState['simulator']): void {
  const sw = $('#sim-switch');
  sw.setAttribute('aria-checked', String(state.running));
  $('#sim-state').textContent = state.running ? 'running' : 'paused';
}

async function loadState(): Promise<void> {
  const state = await demoCall<DemoState>('state', { method: 'GET' });
  renderSimulator(state.simulator);
  if (state.realtimePausedUntil) showPauseCountdown(state.realtimePausedUntil);
}

const selectedStream = () => streamSelect.value || undefined;

const actions: Record<string, () => Promise<string>> = {
  async 'stream-start'() {
    const r = await demoCall<{ stream: { id: string; name: string } }>('stream/start', { body: { orgId: current!.user.orgId } });
    await refreshStreams();
    streamSelect.value = r.stream.id;
    return `Started stream “${r.stream.name}”`;
  },
  async 'stream-advance'() {
    const r = await demoCall<{ stream: { name: string; goal_status: string; current_progress: { percentage: number } } }>('stream/advance', {
      body: selectedStream() ? { streamId: selectedStream() } : { orgId: current!.user.orgId },
    });
    void refreshStreams();
    return `Advanced “${r.stream.name}” to ${r.stream.current_progress.percentage}%${r.stream.goal_status === 'completed' ? ' (completed)' : ''}`;
  },
  async 'stream-fail'() {
    const r = await demoCall<{ stream: { name: string } }>('stream/fail', {
      body: selectedStream() ? { streamId: selectedStream() } : { orgId: current!.user.orgId },
    });
    void refreshStreams();
    return `Failed “${r.stream.name}”`;
  },
  async 'agent-launch'() {
    let streamId = selectedStream();
    if (!streamId) {
      const { data } = await current!.supabase.from('streams').select('id').eq('goal_status', 'in_progress').order('updated_at', { ascending: false }).limit(1);
      streamId = (data?.[0] as { id: string } | undefined)?.id;
      if (!streamId) throw new DemoError('no stream in progress: start one first');
    }
    const r = await demoCall<{ agent: { agent_id: string } }>('agent/launch', { body: { streamId } });
    return `Launched ${r.agent.agent_id}`;
  },
  async burst() {
    const r = await demoCall<{ count: number; ms: number; perSecond: number }>('burst?count=1000', {
      body: selectedStream() ? { streamId: selectedStream() } : {},
    });
    const n = new Intl.NumberFormat(provider.locale || 'en-US');
    return `${n.format(r.count)} updates in ${n.format(r.ms)} ms (${n.format(r.perSecond)}/s)`;
  },
  async 'scan-start'() {
    const r = await demoCall<{ scan: { id: string; name: string } }>('scan/start', { body: { userId: current!.user.id } });
    if (!SEEDED_SCAN_BY_USER[current!.user.id]) {
      // Users without a seeded scan: the gallery follows their newest scan.
      latestScanId = r.scan.id;
      renderGallery(current!.user);
    }
    return `Queued scan “${r.scan.name}”`;
  },
  async alert() {
    const priority = $<HTMLSelectElement>('#alert-priority').value;
    const businessName = $<HTMLInputElement>('#alert-business').value.trim();
    const r = await demoCall<{ alert: { business_name: string; priority: string } }>('alert', {
      body: { userId: current!.user.id, priority, ...(businessName ? { businessName } : {}) },
    });
    return `Emitted ${r.alert.priority} alert for ${r.alert.business_name}`;
  },
  async notification() {
    const type = $<HTMLSelectElement>('#note-type').value;
    const title = $<HTMLInputElement>('#note-title').value.trim();
    const r = await demoCall<{ notification: { title: string } }>('notification', {
      body: { userId: current!.user.id, type, ...(title ? { title } : {}) },
    });
    return `Sent ${type} notification “${r.notification.title}”`;
  },
  async 'fault-drop'() {
    const r = await demoCall<{ dropped: number }>('fault/drop-connections');
    return `Dropped ${r.dropped} realtime connection${r.dropped === 1 ? '' : 's'}`;
  },
  async 'fault-pause'() {
    const r = await demoCall<{ dropped: number; pausedUntil: string }>('fault/pause-realtime?ms=15000');
    showPauseCountdown(r.pausedUntil);
    return `Realtime paused for 15 s (${r.dropped} dropped)`;
  },
  async 'fault-lag'() {
    const r = await demoCall<{ lagMs: number; until: string }>('fault/lag-realtime?ms=8000&for=30000');
    return `Realtime delivers changes ${r.lagMs / 1000} s late until ${new Date(r.until).toLocaleTimeString()}`;
  },
  async 'fault-rest-busy'() {
    const r = await demoCall<{ dropped: number; until: string; retryAfterSeconds: number }>('fault/rest-busy?for=20000&retry-after=10');
    return `REST answers 503 (Retry-After ${r.retryAfterSeconds} s) until ${new Date(r.until).toLocaleTimeString()} (${r.dropped} dropped)`;
  },
  async 'fault-expire'() {
    const r = await demoCall<{ tokenTtlSeconds: number; channelsExpired: number | null }>('fault/expire-token?seconds=10');
    // Take the short-lived token now: supabase-js hands it to the realtime channels, the server
    // expires them when it runs out, and the client must refresh and resubscribe by itself.
    const { error } = await current!.supabase.auth.refreshSession();
    if (error) throw new DemoError(`refresh failed: ${error.message}`);
    return `Token now expires in ${r.tokenTtlSeconds} s${r.channelsExpired !== null ? `; ${r.channelsExpired} channel(s) expired at once` : ''}`;
  },
};

function setupControls(): void {
  $('#controls').addEventListener('click', async (e) => {
    const btn = (e.target as Element).closest<HTMLButtonElement>('button[data-action]');
    if (!btn || !current) return;
    const action = actions[btn.dataset.action!];
    if (!action || btn.getAttribute('aria-disabled') === 'true') return;
    // Busy, but still focused (a disabled button drops the keyboard's focus to <body>: QA84 F4).
    btn.setAttribute('aria-disabled', 'true');
    btn.setAttribute('aria-busy', 'true');
    try {
      log(await action());
    } catch (err) {
      log(err instanceof DemoError ? err.message : `Failed: ${(err as Error).message}`, 'error');
    } finally {
      btn.removeAttribute('aria-disabled');
      btn.removeAttribute('aria-busy');
    }
  });
  $('#sim-switch').addEventListener('click', async () => {
    const on = $('#sim-switch').getAttribute('aria-checked') !== 'true';
    try {
      const state = await demoCall<DemoState>(`simulator?running=${on}`);
      renderSimulator(state.simulator);
      log(on ? 'Simulator resumed' : 'Simulator paused', 'info');
    } catch (err) {
      log((err as Error).message, 'error');
    }
  });
  streamSelect.addEventListener('focus', () => void refreshStreams());
  streamSelect.addEventListener('pointerdown', () => void refreshStreams());
  userSelect.addEventListener('change', () => void switchUser(userSelect.value));
}

// ------------------------------------------------------------------ events from the elements

function setupEvents(): void {
  // Several elements show the same alerts (the dashboard and the gallery): toast each one once.
  const toasted = new Set<string>();
  document.addEventListener('rt-alert', (e) => {
    const { alert, critical } = e.detail;
    if (!critical || toasted.has(alert.id)) return;
    toasted.add(alert.id);
    if (toasted.size > 200) toasted.delete(toasted.values().next().value!);
    toast('Critical signal', `${alert.business_name} · ${String(alert.signal_type).replace(/_/g, ' ')}`, 'critical');
  });
  document.addEventListener('rt-status-change', (e) => {
    const { status, previous } = e.detail;
    if (previous && previous !== status && e.target === document.querySelector('.topbar__status')) log(`Connection: ${previous} → ${status}`, 'info');
  });
}

// ------------------------------------------------------------------ start

async function main(): Promise<void> {
  setupPrefs();
  setupControls();
  setupEvents();
  try {
    config = await demoCall<DemoConfig>('config', { method: 'GET' });
  } catch (err) {
    banner(`Cannot reach the local backend at ${BACKEND} (${(err as Error).message}). Start everything with “npm start”.`);
    return;
  }
  banner(null);
  for (const u of config.users) userSelect.add(new Option(`${u.name} · ${u.orgName}`, u.email));
  const wanted = params.get('user') ?? localStorage.getItem('rt-demo-user') ?? config.users[0]?.email ?? '';
  const first = config.users.find((u) => u.email === wanted) ?? config.users[0];
  if (first) await switchUser(first.email);
  await loadState().catch((err) => log((err as Error).message, 'error'));
  setInterval(() => void loadState().catch(() => {}), 5000);
  // For QA in the console and for the end-to-end tests: the current user, client and backend.
  Object.defineProperty(window, 'rtDemo', {
    configurable: true,
    value: Object.freeze({ backend: BACKEND, get config() { return config; }, get user() { return current?.user ?? null; }, get supabase() { return current?.supabase ?? null; }, switchUser }),
  });
  document.documentElement.dataset.ready = 'true';
}

void main();
