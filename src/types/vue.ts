/**
 * Vue typings for the rt-* tags: `GlobalComponents`, so Volar / vue-tsc complete and check
 * `<rt-stream-progress :stream-id="id" @rt-progress-complete="…">` in templates. Opt in once:
 *
 * ```ts
 * import type {} from 'rt-monitor/vue';
 * ```
 *
 * Vue needs no wrapper: tell its compiler the rt-* tags are custom elements
 * (`compilerOptions.isCustomElement: (tag) => tag.startsWith('rt-')`).
 */
import type { DefineComponent } from 'vue';
import type { RtElementProps, RtEventProps, RtTags } from './tags.js';

type RtGlobalComponents = { [T in keyof RtTags]: DefineComponent<RtElementProps<RtTags[T][0]> & RtEventProps<RtTags[T][1]>> };

declare module 'vue' {
  interface GlobalComponents extends RtGlobalComponents {}
}

export type { RtGlobalComponents };
