import { viewById } from './views';

const KEY = 'workbench.view';

/**
 * The view to open: the URL hash (#events) when there is one, so links and reloads keep their
 * place; else the last view used (the desktop app starts without a hash); else Data.
 */
export function initialView(): string {
  const hash = window.location.hash.replace(/^#/, '');
  if (hash !== '') return viewById(hash).id;
  return viewById(localStorage.getItem(KEY) ?? 'data').id;
}

export function rememberView(id: string): void {
  localStorage.setItem(KEY, id);
}
