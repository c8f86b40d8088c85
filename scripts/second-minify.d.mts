import type { Plugin } from 'vite';
export function secondMinifyPlugin(): Plugin;
export const SECOND_MINIFY_OPTIONS: Readonly<{ ecma: 2020; compress: Readonly<{ passes: number }>; mangle: true }>;
