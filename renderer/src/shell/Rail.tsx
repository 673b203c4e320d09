import { VIEWS, type ViewDef } from './views';

/** The left rail: every view, grouped; arrow keys move between them. */
export function Rail({ current, onSelect }: { current: string; onSelect: (id: string) => void }) {
  const groups = [...new Set(VIEWS.map((v) => v.group))];
  const move = (delta: number): void => {
    const index = VIEWS.findIndex((v) => v.id === current);
    const next = VIEWS[(index + delta + VIEWS.length) % VIEWS.length] as ViewDef;
    onSelect(next.id);
    document.getElementById(`rail-${next.id}`)?.focus();
  };
  return (
    <nav
      className="rail"
      aria-label="Views"
      onKeyDown={(e) => {
        if (e.key === 'ArrowDown') {
          e.preventDefault();
          move(1);
        } else if (e.key === 'ArrowUp') {
          e.preventDefault();
          move(-1);
        } else if (e.key === 'Home' || e.key === 'End') {
          e.preventDefault();
          const index = VIEWS.findIndex((v) => v.id === current);
          move(e.key === 'Home' ? -index : VIEWS.length - 1 - index);
        }
      }}
    >
      <div className="brand" aria-label="Retention Workbench">
        <span className="brand-mark" aria-hidden>
          ◧
        </span>
        Retention Workbench
      </div>
      {groups.map((group) => (
        <div key={group} className="rail-group">
          <div className="rail-heading">{group}</div>
          {VIEWS.filter((v) => v.group === group).map((view) => (
            <button
              key={view.id}
              id={`rail-${view.id}`}
              type="button"
              className={`rail-item${view.id === current ? ' active' : ''}`}
              aria-current={view.id === current ? 'page' : undefined}
              onClick={() => onSelect(view.id)}
              title={view.about}
            >
              {view.label}
              {!view.built && <span className="soon">soon</span>}
            </button>
          ))}
        </div>
      ))}
    </nav>
  );
}
