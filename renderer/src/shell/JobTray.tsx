import { useSyncExternalStore } from 'react';
import { useApp } from '../app-context';

/** Running work with its progress and a cancel button; finished work shows briefly. */
export function JobTray() {
  const { jobs } = useApp();
  const list = useSyncExternalStore(jobs.subscribe, jobs.snapshot);
  if (list.length === 0) return null;
  return (
    <section className="job-tray" aria-label="Running work" aria-live="polite">
      {list.map((job) => (
        <div key={job.id} className={`job ${job.state}`}>
          <div className="job-line">
            <span className="job-label">{job.label}</span>
            {job.state === 'running' ? (
              <button type="button" className="ghost small" onClick={() => jobs.cancel(job.id)}>
                Cancel
              </button>
            ) : (
              <span className="job-state">{job.state}</span>
            )}
          </div>
          {job.state === 'running' && (
            <div
              className="progress"
              role="progressbar"
              aria-label={job.label}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={job.fraction === null ? undefined : Math.round(job.fraction * 100)}
            >
              <div
                className={job.fraction === null ? 'bar indeterminate' : 'bar'}
                style={{ width: `${Math.round((job.fraction ?? 0.3) * 100)}%` }}
              />
            </div>
          )}
          {job.state === 'running' && <div className="job-phase">{job.phase}</div>}
        </div>
      ))}
    </section>
  );
}
