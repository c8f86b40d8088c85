/**
 * Elements in a same-origin iframe's document, made by the page's bundle (an app that renders into
 * an iframe, a print preview, a widget moved there). A constructed stylesheet can only be adopted in
 * the document that made it: before, creating the element there threw `NotAllowedError` and drew
 * nothing, and moving a rendered one there lost every style (a bare SVG icon filled the frame).
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/rt-progress/rt-progress.js';
import '../../src/elements/rt-provider/rt-provider.js';
import { RtProvider } from '../../src/elements/rt-provider/rt-provider.js';
import type { RtProgress } from '../../src/elements/rt-progress/rt-progress.js';
import { $, settle } from './helpers.js';

async function frameDocument(head = ''): Promise<Document> {
  const frame = await fixture<HTMLIFrameElement>(html`<iframe style="width: 480px; height: 320px; border: 0"></iframe>`);
  const doc = frame.contentDocument!;
  doc.open();
  doc.write(`<!doctype html><html><head>${head}</head><body></body></html>`);
  doc.close();
  return doc;
}

/** The font the card uses at home (the styles in their order: not the UA's serif). */
let homeFont = '';

/** The card is styled: white surface, a small icon (not a bare SVG at its intrinsic size). */
function expectStyled(el: RtProgress) {
  const view = el.ownerDocument.defaultView!;
  expect(view.getComputedStyle($(el, '[part="base"]')!).backgroundColor).to.equal('rgb(255, 255, 255)');
  const font = view.getComputedStyle($(el, '[part="base"]')!).fontFamily;
  if (!homeFont && el.ownerDocument === document) homeFont = font;
  if (homeFont) expect(font, 'the styles apply in their order').to.equal(homeFont);
  const icon = el.shadowRoot!.querySelector('svg')!;
  expect(icon.getBoundingClientRect().width).to.be.below(30);
  expect(view.getComputedStyle($(el, '[part="indicator"]')!).backgroundColor).to.not.equal('rgba(0, 0, 0, 0)');
}

describe('elements in another document (same-origin iframe)', () => {
  before(async () => {
    const el = await fixture<RtProgress>(html`<rt-progress label="Home" percentage="10"></rt-progress>`);
    await settle(el);
    expectStyled(el);
    el.remove();
  });

  for (const [label, head] of [
    ['a plain frame', ''],
    ["a frame whose own policy is style-src 'self' (no inline <style>)", `<meta http-equiv="Content-Security-Policy" content="style-src 'self'">`],
  ] as const) {
    it(`${label}: an element created by the page and appended there renders, styled, in order`, async () => {
      const doc = await frameDocument(head);
      const el = document.createElement('rt-progress') as RtProgress;
      el.label = 'Framed';
      el.percentage = 30;
      doc.body.append(el);
      await waitUntil(() => el.shadowRoot?.textContent?.includes('Framed'), 'rendered in the frame');
      await settle(el);
      expectStyled(el);
      expect(el.shadowRoot!.querySelectorAll('style').length, 'adopted, not <style> elements').to.equal(0);
    });
  }

  it('created by the page and appended into the iframe: renders, styled', async () => {
    const doc = await frameDocument();
    const el = document.createElement('rt-progress') as RtProgress;
    el.label = 'In a frame';
    el.percentage = 40;
    el.lastUpdated = new Date().toISOString();
    doc.body.append(el);
    await waitUntil(() => el.shadowRoot?.textContent?.includes('In a frame'), 'rendered in the frame');
    await settle(el);
    expectStyled(el);
  });

  it('moved into the iframe after rendering, and back: styled in both', async () => {
    const el = await fixture<RtProgress>(html`<rt-progress label="Moving" percentage="60" last-updated=${new Date().toISOString()}></rt-progress>`);
    await settle(el);
    expectStyled(el);
    const doc = await frameDocument();
    doc.body.append(el);
    await settle(el);
    expectStyled(el);
    document.body.append(el);
    await settle(el);
    expectStyled(el);
    expect(el.shadowRoot!.querySelectorAll('style').length, 'home again: adopted sheets, no <style> copies').to.equal(0);
    el.remove();
  });

  it('a provider made by the page and appended there keeps its class and provides to its widgets (Firefox gave it the frame\'s HTMLElement)', async () => {
    const doc = await frameDocument();
    const provider = document.createElement('rt-provider') as RtProvider;
    provider.theme = 'dark';
    const el = document.createElement('rt-progress') as RtProgress;
    el.label = 'Provided';
    el.percentage = 20;
    provider.append(el);
    doc.body.append(provider);
    expect(Object.getPrototypeOf(provider), 'the provider keeps its class').to.equal(RtProvider.prototype);
    expect(Object.getPrototypeOf(el), 'the widget keeps its class').to.equal(customElements.get('rt-progress')!.prototype);
    await waitUntil(() => el.shadowRoot?.textContent?.includes('Provided'), 'rendered in the frame');
    await waitUntil(() => el.matches(':state(dark)'), "the provider's theme reached the widget");
    provider.remove();
  });
});
