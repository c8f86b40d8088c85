/**
 * The screenshot gallery: every element in its main states, fed by in-memory clients.
 * Served by test/visual/screenshot.mjs; `?theme=dark` switches providers and the page.
 */
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-connection-status/rt-connection-status.js';
import '../../src/elements/rt-multi-connection-status/rt-multi-connection-status.js';
import '../../src/elements/rt-progress/rt-progress.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import '../../src/elements/rt-scan-progress/rt-scan-progress.js';
import '../../src/elements/rt-agent-executions/rt-agent-executions.js';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import '../../src/elements/rt-notifications/rt-notifications.js';
import '../../src/elements/rt-diagnostics/rt-diagnostics.js';
import '../../src/elements/rt-monitoring-dashboard/rt-monitoring-dashboard.js';
import { MemoryClient } from '../helpers/memory-client.js';

const ALICE = '11111111-1111-4111-8111-111111111111';
const ORG = '00000000-0000-4000-a000-00000000ac01';
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const theme = new URLSearchParams(location.search).get('theme') === 'dark' ? 'dark' : 'light';
document.documentElement.dataset.theme = theme;

function seeded(): MemoryClient {
  const c = new MemoryClient({
    userId: ALICE,
    orgId: ORG,
    connection: { latencyMs: 18, lastHeartbeatAt: Date.now() - 4000, tokenExpiresAt: Date.now() + 50 * 60_000 },
  });
  c.setRows('streams', [
    { id: 's1', org_id: ORG, name: 'Q3 outbound — HVAC contractors', goal_status: 'in_progress', current_progress: { percentage: 62, completed: 31, total: 50 }, created_at: ago(1000), updated_at: ago(12_000) },
    { id: 's2', org_id: ORG, name: 'Partner introductions', goal_status: 'completed', current_progress: { percentage: 100, completed: 8, total: 8 }, created_at: ago(2000), updated_at: ago(3600_000) },
    { id: 's3', org_id: ORG, name: 'Plumbing roll-up (paused for review)', goal_status: 'paused', current_progress: { percentage: 35, completed: 7, total: 20 }, created_at: ago(3000), updated_at: ago(7200_000) },
    { id: 's4', org_id: ORG, name: 'Enrichment retry', goal_status: 'failed', current_progress: { percentage: 140, completed: -3, total: 10 }, created_at: ago(4000), updated_at: ago(300_000) },
    { id: 'sh', org_id: 'x', name: '<img src=x onerror=alert(1)> ' + 'Very long name '.repeat(40), goal_status: 'mystery' as never, current_progress: { percentage: 48, completed: 12, total: 25 } },
  ]);
  c.setRows('acquisition_scans', [
    { id: 'sc1', user_id: ALICE, name: 'Midwest HVAC acquisition scan', status: 'running', progress_percentage: 45, current_step: 'Scoring targets against thesis', targets_identified: 120, targets_analyzed: 54, started_at: ago(754_000), created_at: ago(1000) },
    { id: 'sc2', user_id: ALICE, name: 'Texas landscaping', status: 'failed', progress_percentage: 12, current_step: 'Fetching registry data', targets_identified: 40, targets_analyzed: 5, started_at: ago(4000_000), completed_at: ago(3900_000), error: 'Provider quota exceeded (429)', created_at: ago(5000) },
  ]);
  c.setRows('agent_executions', [
    { id: 'e1', stream_id: 's1', agent_id: 'market-researcher', status: 'running', started_at: ago(95_000) },
    { id: 'e2', stream_id: 's1', agent_id: 'contact-enricher', status: 'running', started_at: ago(31_000) },
    { id: 'e3', stream_id: 's1', agent_id: 'outreach-writer', status: 'queued' },
    { id: 'e4', stream_id: 's1', agent_id: 'lead-scorer', status: 'completed', started_at: ago(900_000), completed_at: ago(780_000) },
    { id: 'e5', stream_id: 's1', agent_id: 'web-crawler', status: 'failed', started_at: ago(1900_000), completed_at: ago(1880_000), error: 'Timeout after 20 s' },
  ]);
  c.setRows('signal_alerts', [
    { id: 'a1', user_id: ALICE, business_name: 'Gamma Heating & Air', signal_type: 'owner_retirement', priority: 'critical', read: false, created_at: ago(40_000) },
    { id: 'a2', user_id: ALICE, business_name: 'Acme Plumbing Co.', signal_type: 'hiring_surge', priority: 'high', read: false, created_at: ago(600_000) },
    { id: 'a3', user_id: ALICE, business_name: '<img src=x onerror=alert(1)>', signal_type: 'new_location', priority: 'medium', read: true, created_at: ago(7200_000) },
    { id: 'a4', user_id: ALICE, business_name: 'Beta Roofing', signal_type: 'funding', priority: 'low', read: true, created_at: ago(90_000_000) },
  ]);
  c.setRows('notifications', [
    { id: 'n1', user_id: ALICE, title: 'Scan finished', body: 'Midwest HVAC found 12 new targets that match your thesis.', type: 'success', link: '/scans/sc1', read: false, created_at: ago(120_000) },
    { id: 'n2', user_id: ALICE, title: 'API quota at 90%', body: 'Enrichment calls will pause at 100%.', type: 'warning', link: null, read: false, created_at: ago(1800_000) },
    { id: 'n3', user_id: ALICE, title: 'Sync failed', body: 'CRM export could not connect.', type: 'error', link: 'javascript:alert(1)', read: true, created_at: ago(8000_000) },
    { id: 'n4', user_id: ALICE, title: 'Welcome to rt-monitor', body: null, type: 'info', link: 'https://example.com', read: true, created_at: ago(200_000_000) },
  ]);
  return c;
}

function provider(client: MemoryClient, inner: string): HTMLElement {
  const p = document.createElement('rt-provider') as HTMLElement & { client: MemoryClient };
  p.setAttribute('theme', theme);
  p.client = client;
  p.innerHTML = inner;
  return p;
}

function section(title: string, client: MemoryClient, inner: string, cls = ''): void {
  const s = document.createElement('section');
  s.className = `demo ${cls}`;
  const h = document.createElement('h2');
  h.textContent = title;
  s.append(h, provider(client, inner));
  document.querySelector('main')!.append(s);
}

const live = seeded();
const stale = seeded();
const held = seeded();
held.hold('streams');
held.hold('signal_alerts');
const failing = seeded();
failing.fail('streams', { code: 'network', message: 'offline' });
failing.fail('notifications', { code: 'unauthorized', message: 'expired' });
const empty = new MemoryClient({ userId: ALICE, orgId: ORG });
const retrying = seeded();

section(
  'rt-connection-status',
  live,
  `<div class="row">
    <rt-connection-status status="connected"></rt-connection-status>
    <rt-connection-status status="connecting"></rt-connection-status>
    <rt-connection-status status="disconnected"></rt-connection-status>
    <rt-connection-status status="error"></rt-connection-status>
  </div>
  <div class="row">
    <rt-connection-status status="connected" size="sm"></rt-connection-status>
    <rt-connection-status status="connected" size="lg"></rt-connection-status>
    <rt-connection-status status="connecting" size="sm" show-text="false"></rt-connection-status>
    <rt-connection-status status="error" show-text="false"></rt-connection-status>
    <rt-connection-status id="bound"></rt-connection-status>
  </div>`,
);
section(
  'rt-multi-connection-status',
  live,
  `<rt-multi-connection-status id="multi"></rt-multi-connection-status>`,
);
(document.getElementById('multi') as HTMLElement & { subscriptions: unknown }).subscriptions = [
  { name: 'Streams', status: 'connected' },
  { name: 'Scans', status: 'connecting' },
  { name: 'Agents', status: 'disconnected' },
  { name: 'Signals', status: 'error' },
];
section(
  'rt-progress',
  live,
  `<div class="grid">
    <rt-progress label="Acquisition Scan" percentage="42" status="running" current-step="Scoring targets" completed="21" total="50" last-updated="${ago(4000)}" connection-status="connected"></rt-progress>
    <rt-progress label="Import finished" percentage="100" status="completed" completed="50" total="50" last-updated="${ago(90_000)}"></rt-progress>
    <rt-progress label="Indeterminate" status="queued"></rt-progress>
    <rt-progress label="Failed export" percentage="140" status="failed" completed="3" total="-2"></rt-progress>
  </div>`,
);
section(
  'rt-stream-progress (live · stale · loading · error · not found)',
  live,
  `<div class="grid"><rt-stream-progress stream-id="s1"></rt-stream-progress><rt-stream-progress stream-id="missing"></rt-stream-progress></div>`,
);
document.querySelector('main')!.lastElementChild!.append(
  provider(stale, `<div class="grid"><rt-stream-progress stream-id="s3"></rt-stream-progress></div>`),
  provider(held, `<div class="grid"><rt-stream-progress stream-id="s1"></rt-stream-progress></div>`),
  provider(failing, `<div class="grid"><rt-stream-progress stream-id="s1"></rt-stream-progress></div>`),
);
section(
  'rt-stream-card',
  live,
  `<div class="grid"><rt-stream-card stream-id="s1" href="/streams/s1"></rt-stream-card><rt-stream-card stream-id="s4"></rt-stream-card><rt-stream-card stream-id="sh"></rt-stream-card></div>`,
);
section('rt-scan-progress', live, `<div class="grid"><rt-scan-progress scan-id="sc1"></rt-scan-progress><rt-scan-progress scan-id="sc2"></rt-scan-progress></div>`);
section('rt-agent-executions', live, `<rt-agent-executions stream-id="s1"></rt-agent-executions>`);
section(
  'rt-signal-alerts · rt-notifications',
  live,
  `<div class="grid"><rt-signal-alerts></rt-signal-alerts><rt-notifications></rt-notifications></div>`,
);
document.querySelector('main')!.lastElementChild!.append(
  provider(held, `<div class="grid"><rt-signal-alerts></rt-signal-alerts><rt-notifications user-id="${ALICE}"></rt-notifications></div>`),
  provider(failing, `<div class="grid"><rt-signal-alerts></rt-signal-alerts><rt-notifications></rt-notifications></div>`),
  provider(empty, `<div class="grid"><rt-signal-alerts></rt-signal-alerts><rt-notifications></rt-notifications></div>`),
);
section('rt-diagnostics', retrying, `<rt-stream-card stream-id="s1" hidden></rt-stream-card><rt-signal-alerts hidden></rt-signal-alerts><rt-diagnostics></rt-diagnostics>`);
section('rt-monitoring-dashboard', seeded(), `<rt-monitoring-dashboard></rt-monitoring-dashboard>`, 'wide');

// After everything is live: the stale and retrying clients lose their connection.
setTimeout(() => {
  stale.setConnection({ status: 'disconnected' });
  retrying.setConnection({ status: 'connecting', attempt: 3, nextRetryAt: Date.now() + 7000, lastError: { code: 'network', message: 'WebSocket closed (1006)' } });
  document.body.dataset.ready = 'true';
}, 600);
