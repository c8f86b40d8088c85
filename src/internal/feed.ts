/**
 * Keyboard support for the ARIA feed pattern: articles are focusable;
 * ArrowDown/PageDown and ArrowUp/PageUp move between them, Home/End jump.
 */
export function onFeedKeydown(e: KeyboardEvent): void {
  const target = e.target as HTMLElement | null;
  const article = target?.closest?.('[role="article"], article') as HTMLElement | null;
  const feed = e.currentTarget as HTMLElement | null;
  if (!article || !feed || article !== target) return;
  const items = [...feed.querySelectorAll<HTMLElement>('article')];
  const i = items.indexOf(article);
  let next = -1;
  switch (e.key) {
    case 'ArrowDown':
    case 'PageDown':
      next = Math.min(items.length - 1, i + 1);
      break;
    case 'ArrowUp':
    case 'PageUp':
      next = Math.max(0, i - 1);
      break;
    case 'Home':
      next = 0;
      break;
    case 'End':
      next = items.length - 1;
      break;
    default:
      return;
  }
  e.preventDefault();
  items[next]?.focus();
}
