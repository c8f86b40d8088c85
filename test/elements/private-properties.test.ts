/**
 * QA63 F1: private custom properties stay private. Custom properties inherit into shadow trees,
 * and `all: initial` on `:host` leaves them alone: a page that set `:root { --_card-border: hotpink;
 * --_clamp: 1; --_tone-bar: hotpink; --_card-radius: 0px }` repainted the cards' borders and
 * corners, the progress fill, and cut database text to one line. Every `--_x` our styles mention
 * (found in the styles, so a new one is covered without touching this file) is set by the page
 * with hostile values, on `:root` and by a rule on our element itself (normal and important);
 * the computed style of every element in every shadow root (nested widgets included) must stay
 * as it was. A public token (`--rt-color-border`) set the same way must still change it.
 */
import { expect, html, waitUntil } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import '../../src/index.js';
import { FEEDS } from '../../src/core/feeds/index.js';
import { RT_TAGS } from '../../src/generated/tags.js';
import type { MemoryClient } from '../helpers/memory-client.js';
import { ago, ALICE, cssTextOf, deepText, mount, seededWidgets, settle } from './helpers.js';

/** Every private custom property any element's styles declare or read. */
const PRIVATE = [...new Set(RT_TAGS.flatMap((tag) => cssTextOf(tag).match(/--_[\w-]+/g) ?? []))].sort();

/** A page's values for them, in turn: a colour, a length, a number, a keyword, a pair of lengths. */
const HOSTILE = ['hotpink', '0px', '1', 'none', '3px 5px'];

function seeded(): MemoryClient {
  return seededWidgets('Midwest HVAC found 12 targets. '.repeat(12));
}

function held(): MemoryClient {
  const client = seeded();
  client.hold('streams');
  return client;
}

interface Case {
  tag: string;
  template: TemplateResult;
  /** Text that shows the element has loaded its data. */
  ready: string;
  name?: string;
  client?: () => MemoryClient;
}

const cases: Case[] = [
  { tag: 'rt-progress', template: html`<rt-progress label="Import" percentage="42" status="running" current-step="Scoring" completed="21" total="50" last-updated=${ago(4000)}></rt-progress>`, ready: 'Import' },
  { tag: 'rt-progress', name: 'indeterminate', template: html`<rt-progress label="Import" status="running"></rt-progress>`, ready: 'Import' },
  { tag: 'rt-stream-progress', template: html`<rt-stream-progress stream-id="s1"></rt-stream-progress>`, ready: 'Q3 outbound' },
  { tag: 'rt-stream-card', template: html`<rt-stream-card stream-id="s1"></rt-stream-card>`, ready: 'running agent' },
  { tag: 'rt-stream-card', name: 'completed', template: html`<rt-stream-card stream-id="s2"></rt-stream-card>`, ready: 'Partner intros' },
  { tag: 'rt-scan-progress', template: html`<rt-scan-progress scan-id="sc1"></rt-scan-progress>`, ready: 'Midwest HVAC' },
  { tag: 'rt-agent-executions', template: html`<rt-agent-executions stream-id="s1"></rt-agent-executions>`, ready: 'Rate limited' },
  { tag: 'rt-signal-alerts', template: html`<rt-signal-alerts></rt-signal-alerts>`, ready: 'Acme Plumbing' },
  { tag: 'rt-notifications', template: html`<rt-notifications></rt-notifications>`, ready: 'Scan finished' },
  { tag: 'rt-live-list', template: html`<rt-live-list .feed=${FEEDS['signal-alerts']} .params=${{ userId: ALICE }} label-field="business_name"></rt-live-list>`, ready: 'Acme Plumbing' },
  { tag: 'rt-connection-status', template: html`<rt-connection-status></rt-connection-status>`, ready: 'Connected' },
  { tag: 'rt-connection-status', name: 'lg', template: html`<rt-connection-status size="lg"></rt-connection-status>`, ready: 'Connected' },
  {
    tag: 'rt-multi-connection-status',
    template: html`<rt-multi-connection-status .subscriptions=${[{ name: 'Streams', status: 'connected' }, { name: 'Scans', status: 'error' }]}></rt-multi-connection-status>`,
    ready: 'Streams',
  },
  { tag: 'rt-monitoring-dashboard', template: html`<rt-monitoring-dashboard></rt-monitoring-dashboard>`, ready: 'Acme Plumbing' },
  { tag: 'rt-diagnostics', template: html`<rt-stream-progress stream-id="s1"></rt-stream-progress><rt-diagnostics></rt-diagnostics>`, ready: 'streams' },
  { tag: 'rt-stream-progress', name: 'loading', client: held, template: html`<rt-stream-progress stream-id="s1"></rt-stream-progress>`, ready: 'Loading' },
];

/** Standard (not custom) properties, as the browser enumerates them. */
function standardProps(): string[] {
  const cs = getComputedStyle(document.body);
  return Array.from({ length: cs.length }, (_, i) => cs.item(i)).filter((p) => !p.startsWith('--'));
}

/** Every element of our shadow roots (recursively into nested rt-* elements), with a readable path. */
function walk(root: ShadowRoot, path: string, visit: (el: Element, path: string) => void): void {
  const go = (el: Element, p: string) => {
    visit(el, p);
    if (el.shadowRoot) walk(el.shadowRoot, `${p}>#shadow`, visit);
    Array.from(el.children).forEach((c, i) => go(c, `${p}>${c.localName}[${i}]`));
  };
  Array.from(root.children).forEach((c, i) => go(c, `${path}>${c.localName}[${i}]`));
}

/** What a snapshot holds for an element whose content-visibility ancestor skips it. */
const SKIPPED = '(skipped: out of view)';

/** path → "prop=value; …" for the host and every element inside (synchronous: no render in between). */
function snapshot(host: HTMLElement, props: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const read = (el: Element, path: string) => {
    if (el instanceof HTMLStyleElement) return;
    // Inside a list row out of view (content-visibility: auto), values that need layout
    // (grid-template-columns, …) read `none` until it is drawn: such an element is compared only
    // where it is drawn in both snapshots (Firefox skipped rows between them).
    if (!el.checkVisibility({ contentVisibilityAuto: true } as CheckVisibilityOptions) && el.checkVisibility()) {
      out.set(path, SKIPPED);
      return;
    }
    const cs = getComputedStyle(el);
    out.set(path, props.map((p) => `${p}=${cs.getPropertyValue(p)}`).join('; '));
  };
  read(host, host.localName);
  walk(host.shadowRoot!, host.localName, read);
  return out;
}

/** What changed between two snapshots, one line per element and property. */
function changes(before: Map<string, string>, after: Map<string, string>, props: string[]): string[] {
  const out: string[] = [];
  for (const [path, was] of before) {
    const now = after.get(path);
    if (now === was || was === SKIPPED || now === SKIPPED) continue;
    if (now === undefined) {
      out.push(`${path}: gone`);
      continue;
    }
    const a = was.split('; ');
    const b = now.split('; ');
    props.forEach((p, i) => {
      if (a[i] !== b[i]) out.push(`${path} ${a[i]} -> ${b[i]!.slice(p.length + 1)}`);
    });
  }
  return out;
}

/** Set `names` to `value` the page's way, run `read`, take it all off again. */
function underPage<T>(mode: 'root' | 'element' | 'element-important', tag: string, names: string[], value: string, read: () => T): T {
  const root = document.documentElement;
  const style = document.createElement('style');
  if (mode === 'root') {
    for (const n of names) root.style.setProperty(n, value);
  } else {
    const important = mode === 'element-important' ? ' !important' : '';
    style.textContent = `${tag} { ${names.map((n) => `${n}: ${value}${important};`).join(' ')} }`;
    document.head.append(style);
  }
  try {
    return read();
  } finally {
    for (const n of names) root.style.removeProperty(n);
    style.remove();
  }
}

describe('private custom properties (--_*) do not take the page’s values (QA63 F1)', () => {
  const props = standardProps();

  it('the styles name private properties, the four of the report among them', () => {
    expect(props.length, 'standard properties enumerated').to.be.greaterThan(200);
    expect(PRIVATE).to.include.members(['--_card-border', '--_clamp', '--_tone-bar', '--_card-radius', '--_color-text', '--_space-4']);
  });

  for (const c of cases) {
    it(`${c.tag}${c.name ? ` (${c.name})` : ''}: identical computed styles with every --_* set by the page on :root and on the element`, async () => {
      const el = await mount<HTMLElement>((c.client ?? seeded)(), c.template, c.tag);
      await waitUntil(() => deepText(el.shadowRoot!).includes(c.ready), `${c.tag}: "${c.ready}" never appeared: ${deepText(el.shadowRoot!).slice(0, 300)}`, {
        timeout: 5000,
      });
      await settle(el);
      // All in one task: no render, animation frame or tick can change anything in between.
      const baseline = snapshot(el, props);
      expect(baseline.size, 'elements inside').to.be.greaterThan(2);

      // The check can fail: a public token set on :root does change the widget.
      const themed = underPage('root', c.tag, ['--rt-color-border', '--rt-color-text'], 'rgb(255, 105, 180)', () => snapshot(el, props));
      expect(changes(baseline, themed, props), 'a public token changes the widget').to.not.deep.equal([]);

      const leaks: string[] = [];
      for (const mode of ['root', 'element', 'element-important'] as const) {
        for (const value of HOSTILE) {
          const seen = underPage(mode, c.tag, [...PRIVATE, '--page-probe'], value, () => {
            // The page's values really are set: on :root, or by a rule that reaches our element.
            const probe = mode === 'root' ? document.documentElement : el;
            expect(getComputedStyle(probe).getPropertyValue('--page-probe').trim(), `${mode}: the page's rule applies`).to.equal(value);
            return snapshot(el, props);
          });
          for (const line of changes(baseline, seen, props)) leaks.push(`[${mode}: ${value}] ${line}`);
        }
      }
      expect(leaks.length, `leaks:\n${leaks.slice(0, 40).join('\n')}${leaks.length > 40 ? `\n… ${leaks.length - 40} more` : ''}`).to.equal(0);
      // Nothing is left behind on the page.
      expect(PRIVATE.filter((n) => document.documentElement.style.getPropertyValue(n) !== '')).to.deep.equal([]);
    });
  }
});
