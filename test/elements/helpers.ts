/**
 * Helpers for element tests: mount an element under `<rt-provider>` holding a MemoryClient,
 * wait for frames, read text through shadow roots.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import type { LitElement } from 'lit';
import '../../src/elements/rt-provider/rt-provider.js';
import { MemoryClient, type MemoryClientOptions } from '../helpers/memory-client.js';

export const ALICE = '11111111-1111-4111-8111-111111111111';
export const BOB = '22222222-2222-4222-8222-222222222222';
export const ORG = '00000000-0000-4000-a000-00000000ac01';

export const HOSTILE = '<img src=x onerror=alert(1)>';

export function memory(options: MemoryClientOptions = {}): MemoryClient {
  return new MemoryClient({ userId: ALICE, orgId: ORG, ...options });
}

export const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

/** Wait until the element has rendered the latest state (two frames + updateComplete). */
export async function settle(el: Element): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await frame();
    await (el as LitElement).updateComplete;
  }
}

/** Mount `template` inside a provider with `client`; returns the first element matching `selector`. */
export async function mount<T extends Element>(client: MemoryClient, template: TemplateResult, selector: string): Promise<T> {
  const wrapper = await fixture(html`<rt-provider .client=${client}>${template}</rt-provider>`);
  const el = wrapper.querySelector(selector) as T | null;
  if (!el) throw new Error(`no ${selector}`);
  await settle(el);
  return el;
}

/** A widget's one status badge text (`part="live-badge"`), without its hidden hint; null without a badge. */
export function badgeText(el: Element): string | null {
  const badge = (el.shadowRoot ?? el).querySelector('[part~="live-badge"]');
  const label = badge && [...badge.children].find((c) => c.tagName === 'SPAN' && !c.classList.contains('sr-only') && !c.classList.contains('live-dot'));
  return label?.textContent?.trim() ?? null;
}

/** Visible-ish text of a node including nested shadow roots, whitespace collapsed. */
export function deepText(node: Node): string {
  const parts: string[] = [];
  const walk = (n: Node) => {
    if (n.nodeType === Node.TEXT_NODE) parts.push(n.textContent ?? '');
    if (n instanceof Element && n.shadowRoot) walk(n.shadowRoot);
    if (n instanceof HTMLStyleElement) return;
    for (const c of Array.from(n.childNodes)) walk(c);
  };
  walk(node);
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

/** Text a sighted user sees: like deepText, but without the visually hidden live regions
 * (announcements such as "doomed-agent started" legitimately outlive the row they describe). */
export function visibleText(node: Node): string {
  const parts: string[] = [];
  const walk = (n: Node) => {
    if (n.nodeType === Node.TEXT_NODE) parts.push(n.textContent ?? '');
    if (n instanceof HTMLStyleElement) return;
    if (n instanceof Element && (n.matches('[aria-live], [role="status"], [role="alert"]') && n.classList.contains('sr-only'))) return;
    if (n instanceof Element && n.shadowRoot) walk(n.shadowRoot);
    for (const c of Array.from(n.childNodes)) walk(c);
  };
  walk(node);
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

export function text(el: Element): string {
  return deepText(el.shadowRoot ?? el);
}

export function $(el: Element, selector: string): HTMLElement | null {
  return el.shadowRoot!.querySelector(selector);
}

export function $$(el: Element, selector: string): HTMLElement[] {
  return Array.from(el.shadowRoot!.querySelectorAll(selector));
}

/** Wait until the element's shadow text contains `needle` (settling frames in between). */
export async function waitForText(el: Element, needle: string | RegExp, timeout = 4000): Promise<void> {
  await waitUntil(
    () => (typeof needle === 'string' ? text(el).includes(needle) : needle.test(text(el))),
    `text ${String(needle)} never appeared; got: ${text(el).slice(0, 300)}`,
    { timeout, interval: 20 },
  );
  await settle(el);
}

export async function waitForNoText(el: Element, needle: string, timeout = 4000): Promise<void> {
  await waitUntil(() => !text(el).includes(needle), `text ${needle} never went away`, { timeout, interval: 20 });
  await settle(el);
}

/** The ISO time `ms` milliseconds ago. */
export const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

/**
 * One row of every table each data element shows (streams s1/s2, a scan, two agent runs, two
 * alerts, a notification whose body is `notificationBody`), for tests that mount every element.
 */
export function seededWidgets(notificationBody = 'Midwest HVAC found 12 targets.'): MemoryClient {
  const client = memory();
  client.setRows('streams', [
    { id: 's1', org_id: ORG, name: 'Q3 outbound', goal_status: 'in_progress', current_progress: { percentage: 55, completed: 11, total: 20 }, created_at: ago(5000) },
    { id: 's2', org_id: ORG, name: 'Partner intros', goal_status: 'completed', current_progress: { percentage: 100, completed: 8, total: 8 }, created_at: ago(9000) },
  ]);
  client.setRows('acquisition_scans', [
    {
      id: 'sc1', user_id: ALICE, name: 'Midwest HVAC', status: 'running', progress_percentage: 40,
      current_step: 'Scoring targets', targets_identified: 10, targets_analyzed: 4, started_at: ago(125_000),
    },
  ]);
  client.setRows('agent_executions', [
    { id: 'e1', stream_id: 's1', agent_id: 'researcher', status: 'running', started_at: ago(30_000) },
    { id: 'e2', stream_id: 's1', agent_id: 'enricher', status: 'failed', started_at: ago(200_000), completed_at: ago(190_000), error: 'Rate limited' },
  ]);
  client.setRows('signal_alerts', [
    { id: 'a1', user_id: ALICE, business_name: 'Acme Plumbing', signal_type: 'hiring_surge', priority: 'high', read: false, created_at: ago(60_000) },
    { id: 'a2', user_id: ALICE, business_name: 'Gamma HVAC', signal_type: 'expansion', priority: 'critical', read: true, created_at: ago(30_000) },
  ]);
  client.setRows('notifications', [
    { id: 'n1', user_id: ALICE, title: 'Scan finished', body: notificationBody, type: 'success', link: '/scans/1', read: false, created_at: ago(5 * 60_000) },
  ]);
  return client;
}

/** An element's styles as text (its `elementStyles`, adopted sheets or CSSResults). */
export function cssTextOf(tag: string): string {
  const ctor = customElements.get(tag) as unknown as { elementStyles?: Array<CSSStyleSheet | { cssText: string }> } | undefined;
  expect(ctor, tag).to.exist;
  return (ctor!.elementStyles ?? [])
    .map((s) => ('cssText' in s ? s.cssText : Array.from((s as CSSStyleSheet).cssRules, (r) => r.cssText).join('\n')))
    .join('\n');
}
