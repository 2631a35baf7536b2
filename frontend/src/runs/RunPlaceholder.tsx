// A run's page. The live dashboard (charts, overlays on the canvas, Pause/Resume/Stop)
// comes with its own issue; until then this page shows the run's status, refreshed.
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { RunRecord } from '../api/types';

const REFRESH_MS = 2000;

export function RunPlaceholder({ runId }: { runId: string }) {
  const [run, setRun] = useState<RunRecord | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      api.run(runId).then(
        (r) => live && (setRun(r), setError(null)),
        (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
      );
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [runId]);

  return (
    <div className="placeholder" data-testid="run-placeholder">
      <h1>Run {runId}</h1>
      {run && (
        <p data-testid="run-status" data-status={run.status}>
          <strong>{run.name}</strong>: {run.status}
          {run.worker ? ` on ${run.worker}` : ''}
          {run.failure_reason ? ` — ${run.failure_reason}` : ''}
        </p>
      )}
      {error && <p className="field-message">{error}</p>}
      <p className="muted">
        The live dashboard (charts, gradient and activation overlays on the canvas, Pause/Resume/Stop) arrives with the runs dashboard issue; this page is its placeholder.
      </p>
      <a href="#/" data-testid="back-to-editor">
        ← Back to the editor
      </a>
    </div>
  );
}
