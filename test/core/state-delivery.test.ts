/**
 * StateDelivery (src/core/state-delivery.ts): a live query's subscribers hear its state at most once
 * per frame, all of them the same object, and one that throws does not keep the others from it.
 * Frames are driven by hand through an injected notifier.
 */
import { expect } from '@open-wc/testing';
import { StateDelivery } from '../../src/core/state-delivery.js';
import type { FrameNotifier } from '../../src/core/frame.js';

/** A notifier whose frame runs when the test says (`frame()`). */
function manualFrames(): { create: (flush: () => void) => FrameNotifier; frame(): void } {
  let flush = () => {};
  let pending = false;
  return {
    create(f) {
      flush = f;
      return {
        schedule: () => void (pending = true),
        get pending() {
          return pending;
        },
        flushNow: () => {
          if (pending) (pending = false), flush();
        },
        cancel: () => void (pending = false),
      };
    },
    frame() {
      if (pending) (pending = false), flush();
    },
  };
}

describe('StateDelivery', () => {
  it('builds the state once per frame however often it was asked, and hands every subscriber that same object', () => {
    const frames = manualFrames();
    let builds = 0;
    const delivery = new StateDelivery({ n: 0 }, () => ({ n: ++builds }), frames.create);
    const heard: Array<{ n: number }> = [];
    delivery.subscribe((s) => heard.push(s));
    delivery.subscribe((s) => heard.push(s));
    for (let i = 0; i < 5; i++) delivery.schedule();
    expect(heard, 'nothing before the frame').to.deep.equal([]);
    frames.frame();
    expect(builds).to.equal(1);
    expect(heard.length).to.equal(2);
    expect(heard[0]).to.equal(heard[1]);
    expect(delivery.state).to.equal(heard[0]);
  });

  it('a subscriber that throws is reported on the console, and the others still hear', () => {
    const frames = manualFrames();
    const delivery = new StateDelivery(0, () => 1, frames.create);
    const errors: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const heard: number[] = [];
      delivery.subscribe(() => {
        throw new Error('a page bug');
      });
      delivery.subscribe((s) => heard.push(s));
      delivery.schedule();
      frames.frame();
      expect(heard).to.deep.equal([1]);
      expect(String(errors[0]?.[0])).to.include('subscriber failed');
    } finally {
      console.error = original;
    }
  });

  it('after stop() no frame is delivered and no subscriber is kept', () => {
    const frames = manualFrames();
    const delivery = new StateDelivery(0, () => 1, frames.create);
    const heard: number[] = [];
    delivery.subscribe((s) => heard.push(s));
    delivery.schedule();
    delivery.stop();
    frames.frame();
    delivery.schedule();
    frames.frame();
    expect(heard).to.deep.equal([]);
  });
});
