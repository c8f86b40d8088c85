/**
 * JSX typings for the rt-* tags (React 19's `React.JSX` and the global `JSX` namespace used by
 * Preact and others). Opt in once, e.g. in a `.d.ts` of your app:
 *
 * ```ts
 * import type {} from 'rt-monitor/jsx';
 * ```
 *
 * Then `<rt-stream-progress stream-id={id} />` type-checks and completes in editors. In React,
 * prefer the wrappers from `rt-monitor/react` when you need events (`onRtAlert`, …).
 */
import type * as React from 'react';
import type { RtAttributes, RtElementProps, RtTags } from './tags.js';

type ReactProps<E extends HTMLElement> = React.DetailedHTMLProps<React.HTMLAttributes<E>, E> & RtElementProps<E> & RtAttributes & { class?: string };
type RtIntrinsicElements = { [T in keyof RtTags]: ReactProps<RtTags[T][0]> };

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements extends RtIntrinsicElements {}
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements extends RtIntrinsicElements {}
  }
}

export type { RtIntrinsicElements };
