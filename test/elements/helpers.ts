/**
 * Helpers for element tests: mount an element under `<rt-provider>` holding a MemoryClient,
 * wait for frames, read text through shadow roots.
 */
import { fixture, html, waitUntil } from '@open-wc/testing';
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
