/**
 * Tells a live query's subscribers its state ({@link LiveQueryStore}), at most once per animation
 * frame through the page's one frame scheduler (src/core/frame.ts): `schedule()` asks, cheaply and
 * as often as a change needs; the frame builds the state once (`build`) and hands that same object
 * to every subscriber. A subscriber that throws is reported on the console and the others still
 * hear. Framework-free.
 */
import { createFrameNotifier, type FrameNotifier } from './frame.js';

export class StateDelivery<S> {
  /** The state last delivered (the initial one until the first frame). */
  state: S;
  /** The frame notifier the store's parts flush before replacing a terminal row (ChangeMerge). */
  readonly notifier: FrameNotifier;
  readonly #listeners = new Set<(state: S) => void>();

  /**
   * `build`: the state now, called once per delivering frame; `createNotifier`: the frame scheduler
   * (tests inject their own).
   */
  constructor(
    initial: S,
    private readonly build: () => S,
    createNotifier: (flush: () => void) => FrameNotifier = createFrameNotifier,
    /** Called after each delivery, once every subscriber heard it. */
    private readonly told?: () => void,
  ) {
    this.state = initial;
    this.notifier = createNotifier(() => this.#deliver());
  }

  /** `listener` hears every delivered state from the next frame on; returns its unsubscribe. */
  subscribe(listener: (state: S) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Whether anyone hears the states (none while a released store lingers). */
  get heard(): boolean {
    return this.#listeners.size > 0;
  }

  /** Deliver in the next frame (once, however often asked before it). */
  schedule(): void {
    this.notifier.schedule();
  }

  /** No more frames, no more subscribers. */
  stop(): void {
    this.notifier.cancel();
    this.#listeners.clear();
  }

  #deliver(): void {
    this.state = this.build();
    for (const listener of [...this.#listeners]) {
      try {
        listener(this.state);
      } catch (err) {
        // A subscriber's bug must not break the others (nor the page).
        console.error('[rt-monitor] live query subscriber failed:', err);
      }
    }
    this.told?.();
  }
}
