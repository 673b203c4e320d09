import { useCallback, useEffect, useState } from 'react';
import type { Theme } from '../app-context';

const KEY = 'workbench.theme';
const query = (): MediaQueryList => window.matchMedia('(prefers-color-scheme: dark)');

function saved(): Theme | null {
  const value = localStorage.getItem(KEY);
  return value === 'light' || value === 'dark' ? value : null;
}

/**
 * The theme: the analyst's choice once they toggle it (remembered), until then the system's
 * (followed live, so a laptop switching to dark at night switches the window too).
 */
export function useTheme(): { theme: Theme; toggle: () => void } {
  const [choice, setChoice] = useState<Theme | null>(saved);
  const [system, setSystem] = useState<Theme>(() => (query().matches ? 'dark' : 'light'));
  const theme = choice ?? system;

  useEffect(() => {
    const media = query();
    const onChange = (): void => setSystem(media.matches ? 'dark' : 'light');
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, []);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const toggle = useCallback(() => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem(KEY, next);
    setChoice(next);
  }, [theme]);
  return { theme, toggle };
}
