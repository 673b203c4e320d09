import { useState } from 'react';

export const SEGMENTS_SECTIONS = [
  ['segments', 'Segments'],
  ['triggers', 'Triggers'],
  ['scores', 'Scores'],
] as const;
export type SegmentsSection = (typeof SEGMENTS_SECTIONS)[number][0];

const SECTION_KEY = 'workbench.segments.section';

/** The section last opened (remembered in the browser), Segments by default. */
export function useSection(): [SegmentsSection, (s: SegmentsSection) => void] {
  const [section, setSection] = useState<SegmentsSection>(() => {
    try {
      const stored = localStorage.getItem(SECTION_KEY);
      return SEGMENTS_SECTIONS.find(([id]) => id === stored)?.[0] ?? 'segments';
    } catch {
      return 'segments';
    }
  });
  const choose = (next: SegmentsSection): void => {
    setSection(next);
    try {
      localStorage.setItem(SECTION_KEY, next);
    } catch {
      // Storage blocked: the section is not remembered, nothing else is lost.
    }
  };
  return [section, choose];
}

/** Segments | Triggers | Scores, as the app's other tab lists (arrow keys move between them). */
export function SectionTabs({
  section,
  onChange,
}: {
  section: SegmentsSection;
  onChange: (s: SegmentsSection) => void;
}) {
  return (
    <div
      className="tabs"
      role="tablist"
      aria-label="Segments, triggers and scores"
      onKeyDown={(e) => {
        if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
        const at = SEGMENTS_SECTIONS.findIndex(([id]) => id === section);
        const step = e.key === 'ArrowRight' ? 1 : SEGMENTS_SECTIONS.length - 1;
        const next = SEGMENTS_SECTIONS[(at + step) % SEGMENTS_SECTIONS.length]?.[0] ?? 'segments';
        onChange(next);
        document.getElementById(`section-tab-${next}`)?.focus();
      }}
    >
      {SEGMENTS_SECTIONS.map(([id, label]) => (
        <button
          key={id}
          type="button"
          role="tab"
          id={`section-tab-${id}`}
          aria-selected={section === id}
          aria-controls={`section-${id}`}
          tabIndex={section === id ? 0 : -1}
          className={`tab${section === id ? ' selected' : ''}`}
          onClick={() => onChange(id)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
