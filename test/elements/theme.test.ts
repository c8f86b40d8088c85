/**
 * The default theme follows the host page's `color-scheme`, not the OS (issue 12): a light page in a
 * dark OS keeps light cards; `theme="auto"` follows the OS; `light` / `dark` force. Real Chromium with
 * an emulated OS preference (`emulateMedia`).
 */
import { expect, html, waitUntil } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import '../../src/index.js';
import { emulateMedia } from '@web/test-runner-commands';
import '../../src/elements/rt-progress/rt-progress.js';
import '../../src/elements/rt-provider/rt-provider.js';
import type { RtProgress } from '../../src/elements/rt-progress/rt-progress.js';
import { $, ALICE, ORG, ago, memory, mount } from './helpers.js';
import { recordWarnings } from '../helpers/hosts.js';

const LIGHT_SURFACE = 'rgb(255, 255, 255)';
const DARK_SURFACE = 'rgb(15, 23, 42)';
const surface = (el: Element) => getComputedStyle($(el, '[part="base"]')!).backgroundColor;

async function card(template = html`<rt-progress label="Card" percentage="50"></rt-progress>`): Promise<RtProgress> {
  return mount<RtProgress>(memory(), template, 'rt-progress');
}

/** Sets the host page's color-scheme the way a site does (CSS on the root element). */
function pageScheme(value: string): void {
  document.documentElement.style.colorScheme = value;
}

describe('theme: the host page decides by default', () => {
  afterEach(async () => {
    document.documentElement.style.colorScheme = '';
    document.querySelector('meta[name="color-scheme"]')?.remove();
    await emulateMedia({ colorScheme: 'light' });
  });

  it('a light page in a dark OS gets light cards', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    pageScheme('light');
    const el = await card();
    expect(matchMedia('(prefers-color-scheme: dark)').matches).to.equal(true, 'the OS is (emulated) dark');
    expect(surface(el)).to.equal(LIGHT_SURFACE);
    expect(el.colorScheme).to.equal('light');
    expect(el.matches(':state(light)')).to.equal(true);
  });

  it('a page that declares nothing is light, whatever the OS', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    const el = await card();
    expect(surface(el)).to.equal(LIGHT_SURFACE);
  });

  it('theme="auto" in a dark OS gets dark cards on the same light page', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    pageScheme('light');
    const el = await card(html`<rt-progress theme="auto" label="Auto" percentage="50"></rt-progress>`);
    expect(surface(el)).to.equal(DARK_SURFACE);
    expect(el.matches(':state(dark)')).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('theme="system" is the former name of auto', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    const el = await card(html`<rt-progress theme="system" label="System" percentage="50"></rt-progress>`);
    expect(surface(el)).to.equal(DARK_SURFACE);
  });

  it('a page that declares "light dark" follows the OS, and follows it when it changes', async () => {
    pageScheme('light dark');
    await emulateMedia({ colorScheme: 'light' });
    const el = await card();
    expect(surface(el)).to.equal(LIGHT_SURFACE);
    expect(el.colorScheme).to.equal('light');
    await emulateMedia({ colorScheme: 'dark' });
    expect(surface(el)).to.equal(DARK_SURFACE);
    await waitUntil(() => el.matches(':state(dark)'), 'the custom state follows the OS change');
  });

  it('<meta name="color-scheme" content="light dark"> counts as the page declaring both', async () => {
    const meta = Object.assign(document.createElement('meta'), { name: 'color-scheme', content: 'light dark' });
    document.head.append(meta);
    await emulateMedia({ colorScheme: 'dark' });
    const el = await card();
    expect(surface(el)).to.equal(DARK_SURFACE);
    expect(el.colorScheme).to.equal('dark');
  });

  it('a dark page gets dark cards in a light OS', async () => {
    pageScheme('dark');
    const el = await card();
    expect(surface(el)).to.equal(DARK_SURFACE);
    expect(el.matches(':state(dark)')).to.equal(true);
  });

  it('theme="light" and theme="dark" force, whatever the page and the OS', async () => {
    pageScheme('dark');
    await emulateMedia({ colorScheme: 'dark' });
    const light = await card(html`<rt-progress theme="light" label="Light" percentage="50"></rt-progress>`);
    expect(surface(light)).to.equal(LIGHT_SURFACE);
    pageScheme('light');
    await emulateMedia({ colorScheme: 'light' });
    const dark = await card(html`<rt-progress theme="dark" label="Dark" percentage="50"></rt-progress>`);
    expect(surface(dark)).to.equal(DARK_SURFACE);
  });

  it('the provider\'s theme reaches the elements inside; an element\'s own theme wins', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    pageScheme('light');
    const provider = await mount<HTMLElement>(
      memory(),
      html`<rt-provider theme="auto"><rt-progress id="a" label="A" percentage="5"></rt-progress><rt-progress id="b" theme="page" label="B" percentage="5"></rt-progress></rt-provider>`,
      'rt-provider',
    );
    const a = provider.querySelector<RtProgress>('#a')!;
    const b = provider.querySelector<RtProgress>('#b')!;
    await waitUntil(() => a.hasUpdated && b.hasUpdated);
    expect(surface(a)).to.equal(DARK_SURFACE);
    expect(surface(b)).to.equal(LIGHT_SURFACE);
  });

  it('a page token still overrides the default in both schemes', async () => {
    pageScheme('dark');
    const el = await card(html`<rt-progress label="Token" percentage="50" style="--rt-color-surface: rgb(1, 2, 3)"></rt-progress>`);
    expect(surface(el)).to.equal('rgb(1, 2, 3)');
  });
});

describe('theme of its own against the page: every element stays readable', () => {
  const seeded = () => {
    const client = memory();
    client.setRows('streams', [{ id: 's1', org_id: ORG, name: 'Q3 outbound', goal_status: 'in_progress', current_progress: { percentage: 55, completed: 11, total: 20 }, created_at: ago(5000) }]);
    client.setRows('acquisition_scans', [{ id: 'sc1', user_id: ALICE, name: 'Midwest HVAC', status: 'running', progress_percentage: 30, targets_identified: 10, targets_analyzed: 3, started_at: ago(60_000) }]);
    client.setRows('agent_executions', [{ id: 'e1', stream_id: 's1', agent_id: 'researcher', status: 'running', started_at: ago(20_000) }]);
    client.setRows('signal_alerts', [{ id: 'a1', user_id: ALICE, business_name: 'Acme Plumbing', signal_type: 'hiring', priority: 'high' }]);
    client.setRows('notifications', [{ id: 'n1', user_id: ALICE, title: 'Scan finished', type: 'success' }]);
    return client;
  };
  const elements: Array<[string, (theme: string) => TemplateResult]> = [
    ['rt-connection-status', (t) => html`<rt-connection-status theme=${t}></rt-connection-status>`],
    ['rt-connection-status', (t) => html`<rt-connection-status theme=${t} show-details></rt-connection-status>`],
    ['rt-multi-connection-status', (t) => html`<rt-multi-connection-status theme=${t}></rt-multi-connection-status>`],
    ['rt-multi-connection-status', (t) => html`<rt-multi-connection-status theme=${t} compact></rt-multi-connection-status>`],
    ['rt-stream-progress', (t) => html`<rt-stream-progress theme=${t} stream-id="s1"></rt-stream-progress>`],
    ['rt-stream-card', (t) => html`<rt-stream-card theme=${t} stream-id="s1"></rt-stream-card>`],
    ['rt-scan-progress', (t) => html`<rt-scan-progress theme=${t} scan-id="sc1"></rt-scan-progress>`],
    ['rt-agent-executions', (t) => html`<rt-agent-executions theme=${t} stream-id="s1"></rt-agent-executions>`],
    ['rt-signal-alerts', (t) => html`<rt-signal-alerts theme=${t}></rt-signal-alerts>`],
    ['rt-notifications', (t) => html`<rt-notifications theme=${t}></rt-notifications>`],
    ['rt-diagnostics', (t) => html`<rt-diagnostics theme=${t}></rt-diagnostics>`],
    ['rt-progress', (t) => html`<rt-progress theme=${t} label="Card" percentage="50"></rt-progress>`],
  ];
  for (const [theme, page] of [['dark', 'light'], ['light', 'dark']] as const) {
    for (const [tag, template] of elements) {
      it(`<${tag}> theme="${theme}" on a ${page} page (axe contrast)`, async () => {
        document.documentElement.style.colorScheme = page;
        document.body.style.background = page === 'light' ? '#ffffff' : '#0b1120';
        try {
          const el = await mount<HTMLElement>(seeded(), template(theme), tag);
          await waitUntil(() => el.shadowRoot && !el.shadowRoot.querySelector('[part~="loading"]'), 'loaded', { timeout: 5000 });
          await expect(el).to.be.accessible();
        } finally {
          document.documentElement.style.colorScheme = '';
          document.body.style.background = '';
        }
      });
    }
  }

  it('theme="drak" (on the element or its provider) is the default, page, and said once on the console naming who has it (QA53 F4)', async () => {
    const log = recordWarnings();
    try {
      const own = await card(html`<rt-progress theme="drak" label="Card" percentage="50"></rt-progress>`);
      expect(own.effectiveTheme).to.equal('page');
      const inner = await card(html`<rt-provider theme="lihgt"><rt-progress label="Card" percentage="50"></rt-progress></rt-provider>`);
      expect(inner.effectiveTheme).to.equal('page');
      expect(log.warnings.filter((w) => /theme=/.test(w))).to.deep.equal([
        'rt-monitor: <rt-progress> theme="drak" is none of page, auto, system, light, dark; using page.',
        'rt-monitor: <rt-provider> theme="lihgt" is none of page, auto, system, light, dark; using page.',
      ]);
    } finally {
      log.restore();
    }
  });
});
