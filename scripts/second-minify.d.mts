import type { Plugin } from 'vite';
export function secondMinifyPlugin(): Plugin;
