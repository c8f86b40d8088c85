import { expect, html } from '@open-wc/testing';
import '../../src/elements/rt-progress/rt-progress.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import { RtProgress } from '../../src/elements/rt-progress/rt-progress.js';
import type { RtStreamProgress } from '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import { RtElement } from '../../src/internal/rt-element.js';
import { registerStrings } from '../../src/internal/strings.js';
import { tickSubscriberCount, tickerRunning } from '../../src/internal/ticker.js';
import { RtEvent } from '../../src/events.js';
import { ago, frame, memory, mount, settle, text, waitForText } from './helpers.js';

describe('RtElement base', () => {
  it('define() is guarded: a second definition warns once and does not throw', () => {
    const warn = console.warn;
    const calls: unknown[][] = [];
    console.warn = (...args: unknown[]) => calls.push(args);
    try {
      class Other extends RtElement {
        static override readonly version = '9.9.9';
      }
      expect(() => Other.define('rt-progress')).not.to.throw();
      Other.define('rt-progress');
      RtProgress.define('rt-progress'); // same class: silent
      expect(calls.length).to.equal(1);
      expect(String(calls[0][0])).to.include('rt-progress').and.include('9.9.9');
      expect(customElements.get('rt-progress')).to.equal(RtProgress);
    } finally {
      console.warn = warn;
    }
  });

  it("define() on a tag the page's own script took says so, not \"another copy of rt-monitor\"", () => {
    const warn = console.warn;
    const calls: unknown[][] = [];
    console.warn = (...args: unknown[]) => calls.push(args);
    try {
      customElements.define('rt-page-own-widget', class extends HTMLElement {});
      class Ours extends RtElement {}
      expect(() => Ours.define('rt-page-own-widget')).not.to.throw();
      expect(calls.length).to.equal(1);
      expect(String(calls[0][0])).to.include('<rt-page-own-widget> is already defined by another script on this page, not by rt-monitor');
      expect(String(calls[0][0])).not.to.include('copy of rt-monitor');
    } finally {
      console.warn = warn;
    }
  });

  it('define() accepts another registry', function () {
    // Scoped registries (`new CustomElementRegistry()`) exist in Chromium, not (yet) in Firefox ESR.
    let registry: CustomElementRegistry;
    try {
      registry = new CustomElementRegistry();
    } catch {
      this.skip();
    }
    class Scoped extends RtElement {}
    Scoped.define('rt-scoped-x', registry);
    expect(registry.get('rt-scoped-x')).to.equal(Scoped);
    expect(customElements.get('rt-scoped-x')).to.be.undefined;
  });

  it('renders at most once per frame however fast updates arrive', async () => {
    const client = memory();
    client.setRows('streams', [{ id: 's1', name: 'Burst', goal_status: 'in_progress', current_progress: { percentage: 0, completed: 0, total: 100 } }]);
    const el = await mount<RtStreamProgress>(client, html`<rt-stream-progress stream-id="s1"></rt-stream-progress>`, 'rt-stream-progress');
    await waitForText(el, 'Burst');
    let renders = 0;
    const orig = (el as unknown as { render: () => unknown }).render.bind(el);
    (el as unknown as { render: () => unknown }).render = () => {
      renders++;
      return orig();
    };
    let frames = 0;
    let counting = true;
    const countFrames = () => {
      if (!counting) return;
      frames++;
      requestAnimationFrame(countFrames);
    };
    requestAnimationFrame(countFrames);
    for (let i = 1; i <= 60; i++) {
      client.update('streams', { id: 's1', current_progress: { percentage: i, completed: i, total: 100 } });
      el.requestUpdate();
      await Promise.resolve();
      if (i % 3 === 0) await new Promise((r) => setTimeout(r, 0));
    }
    await settle(el);
    counting = false;
    expect(text(el)).to.include('60%');
    expect(renders).to.be.at.most(frames + 1);
    expect(renders).to.be.below(60);
  });

  it('ticking elements share one page-wide timer, released on disconnect', async () => {
    const client = memory();
    const before = tickSubscriberCount();
    const wrapper = await mount<HTMLElement>(
      client,
      html`<div id="box">
        <rt-progress label="a" last-updated=${ago(1000)}></rt-progress>
        <rt-progress label="b" last-updated=${ago(2000)}></rt-progress>
        <rt-progress label="c" last-updated=${ago(3000)}></rt-progress>
        <rt-progress label="no time"></rt-progress>
      </div>`,
      '#box',
    );
    await frame();
    expect(tickSubscriberCount() - before).to.equal(3);
    expect(tickerRunning()).to.be.true;
    wrapper.remove();
    expect(tickSubscriberCount()).to.equal(before);
  });

  it('locale comes from the provider unless the element overrides it; strings are translatable', async () => {
    registerStrings('fr', { status: { running: 'En cours' } as never });
    const el = await mount<RtProgress>(memory(), html`<rt-progress locale="fr" label="x" status="running" percentage="5"></rt-progress>`, 'rt-progress');
    expect(text(el)).to.include('En cours');
    expect(text(el)).to.match(/5\s%/);
    el.locale = 'en';
    await settle(el);
    expect(text(el)).to.include('Running');
  });

  it('events are typed, bubbling and composed', () => {
    const e = new RtEvent('rt-alert', { alert: { id: 'x' } as never, critical: false });
    expect(e.type).to.equal('rt-alert');
    expect(e.bubbles).to.be.true;
    expect(e.composed).to.be.true;
    expect(e.cancelable).to.be.false;
  });
});
