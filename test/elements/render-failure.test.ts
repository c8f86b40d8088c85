/**
 * QA63 F5: a page that removed `Intl.RelativeTimeFormat` made the widgets' renders throw halfway:
 * "Live" over "Loading…" for good, and nothing (no `rt-error`, no alert) said why. A render that
 * throws now shows the cause as an error, drops the live state, and the element draws normally
 * again at its next update once the page's feature is back.
 */
import { expect, html } from '@open-wc/testing';
import '../../src/elements/rt-notifications/rt-notifications.js';
import '../../src/elements/rt-agent-executions/rt-agent-executions.js';
import type { RtError } from '../../src/core/types.js';
import type { MemoryClient } from '../helpers/memory-client.js';
import { ago, ALICE, badgeText, memory, mount, settle, text, waitForText } from './helpers.js';

const intl = Intl as unknown as Record<string, unknown>;

const numberFormat = Object.getOwnPropertyDescriptor(Intl.NumberFormat.prototype, 'format')!;

/** Two ways a page breaks what rendering uses: a constructor removed, a method that throws. */
const cases = [
  {
    tag: 'rt-notifications',
    page: 'without Intl.RelativeTimeFormat',
    cause: 'RelativeTimeFormat',
    breakPage: () => void (intl.RelativeTimeFormat = undefined),
    seed: (c: MemoryClient) => c.setRows('notifications', [{ id: 'n1', user_id: ALICE, title: 'Shown later', type: 'info', read: false, created_at: ago(90_000) }]),
    insert: (c: MemoryClient) => c.insert('notifications', { id: 'n2', user_id: ALICE, title: 'Arrived after', type: 'info', read: false, created_at: ago(1000) }),
    template: html`<rt-notifications></rt-notifications>`,
  },
  {
    tag: 'rt-agent-executions',
    page: 'whose Intl.NumberFormat#format throws',
    cause: 'format broken by the page',
    breakPage: () =>
      Object.defineProperty(Intl.NumberFormat.prototype, 'format', {
        configurable: true,
        get: () => () => {
          throw new TypeError('format broken by the page');
        },
      }),
    seed: (c: MemoryClient) => c.setRows('agent_executions', [{ id: 'e1', stream_id: 's1', agent_id: 'Shown later', status: 'running', started_at: ago(90_000) }]),
    insert: (c: MemoryClient) => c.insert('agent_executions', { id: 'e2', stream_id: 's1', agent_id: 'Arrived after', status: 'running', started_at: ago(1000) }),
    template: html`<rt-agent-executions stream-id="s1"></rt-agent-executions>`,
  },
];

describe('a render that throws says why (QA63 F5)', () => {
  const original = intl.RelativeTimeFormat;
  let logged: unknown[][] = [];
  const consoleError = console.error;
  const restore = () => {
    intl.RelativeTimeFormat = original;
    Object.defineProperty(Intl.NumberFormat.prototype, 'format', numberFormat);
  };
  beforeEach(() => {
    logged = [];
    console.error = (...args: unknown[]) => void logged.push(args);
  });
  afterEach(() => {
    restore();
    console.error = consoleError;
  });

  for (const { tag, page, cause, breakPage, seed, insert, template } of cases) {
    it(`<${tag}> on a page ${page}: the cause as an error, not "Live" over "Loading…"; drawn again once it is back`, async () => {
      breakPage();
      const client = memory();
      seed(client);
      const errors: RtError[] = [];
      document.addEventListener('rt-error', (e) => errors.push((e as CustomEvent<{ error: RtError }>).detail.error));
      const el = await mount<HTMLElement>(client, template, tag);
      await waitForText(el, 'could not draw');
      expect(text(el)).to.include(cause);
      expect(badgeText(el), 'no "Live" badge').to.equal(null);
      expect(el.matches(':state(live)'), ':state(live)').to.equal(false);
      expect(el.shadowRoot!.querySelector('[role="alert"]'), 'said as an alert').to.not.equal(null);
      expect(errors.map((e) => e.detail)).to.include('render-failed');
      expect(logged.length, 'said on the console').to.be.greaterThan(0);
      // The page's feature back: the next change draws the widget.
      restore();
      insert(client);
      await waitForText(el, 'Arrived after');
      await settle(el);
      expect(text(el)).to.include('Shown later').and.not.include('could not draw');
      expect(badgeText(el)).to.equal('Live');
    });
  }
});
