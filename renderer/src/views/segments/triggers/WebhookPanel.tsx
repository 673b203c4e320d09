import { useState } from 'react';
import { formatCount } from '../../../../../shared/format';
import type { SendResult, TriggerSpec } from '../../../../../shared/specs/trigger';
import { useApp } from '../../../app-context';
import { ErrorNote } from '../../../components/ErrorNote';
import { WholeNumber } from './ConditionFields';
import { parseHeaders } from './trigger-draft';

/**
 * POST everyone who fires to a webhook, in batches with retries (triggers.send). A dry run
 * sends nothing and shows the first batch's body; Send asks for a second, explicit click.
 */
export function WebhookPanel({
  spec,
  asOf,
  name,
}: {
  spec: TriggerSpec | null;
  asOf: string | undefined;
  name: string;
}) {
  const { api, jobs } = useApp();
  const [url, setUrl] = useState('');
  const [batchSize, setBatchSize] = useState(100);
  const [headerText, setHeaderText] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<SendResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const headers = parseHeaders(headerText);
  const ready = spec !== null && url.trim() !== '' && 'headers' in headers && !busy;

  const send = async (dryRun: boolean): Promise<void> => {
    if (spec === null || !('headers' in headers)) return;
    setBusy(true);
    setConfirming(false);
    setResult(null);
    setError(null);
    try {
      const sent = await jobs.run(
        dryRun ? 'describing the webhook batches' : 'sending the webhook',
        (o) =>
          api['triggers.send'](
            {
              spec,
              name,
              url: url.trim(),
              dryRun,
              batchSize,
              retries: 3,
              headers: headers.headers,
              timeoutSeconds: 30,
              ...(asOf === undefined ? {} : { asOf }),
            },
            o,
          ),
      );
      setResult(sent);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel trigger-webhook" aria-label="Webhook">
      <div className="panel-head">
        <h2>Webhook</h2>
        <span className="muted small">
          A JSON POST per batch: {'{'} trigger, as_of, batch, batches, users: [...] {'}'}
        </span>
      </div>
      <div className="row rule-line">
        <label className="field webhook-url">
          <span>URL</span>
          <input
            type="url"
            aria-label="Webhook URL"
            placeholder="https://hooks.example.com/retention"
            spellCheck={false}
            value={url}
            onChange={(e) => {
              setUrl(e.target.value);
              setConfirming(false);
            }}
          />
        </label>
        <WholeNumber
          label="Batch size"
          help="Users per POST (1 to 10,000)."
          value={batchSize}
          min={1}
          onChange={setBatchSize}
        />
      </div>
      <label className="field webhook-headers">
        <span>Headers (optional, one Name: value per line; never logged)</span>
        <textarea
          aria-label="Webhook headers"
          rows={2}
          spellCheck={false}
          placeholder="Authorization: Bearer …"
          value={headerText}
          onChange={(e) => setHeaderText(e.target.value)}
        />
      </label>
      {'problem' in headers && <p className="field-problem">{headers.problem}</p>}
      <div className="row">
        <button type="button" disabled={!ready} onClick={() => void send(true)}>
          {busy ? 'Working…' : 'Dry run'}
        </button>
        {confirming ? (
          <span className="row confirm-send" role="group" aria-label="Confirm sending">
            <span>
              POST everyone who fires to <strong>{url.trim()}</strong>?
            </span>
            <button
              type="button"
              className="danger"
              disabled={!ready}
              onClick={() => void send(false)}
            >
              Yes, send
            </button>
            <button type="button" className="ghost" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </span>
        ) : (
          <button type="button" disabled={!ready} onClick={() => setConfirming(true)}>
            Send…
          </button>
        )}
      </div>
      <ErrorNote error={error} title="The webhook could not be sent" />
      {result !== null && <SendSummary result={result} />}
    </section>
  );
}

/** What a dry run would send (or a send did), and the first batch's body. */
function SendSummary({ result: r }: { result: SendResult }) {
  return (
    <div className="stack send-summary" data-testid="send-summary" data-dry-run={String(r.dryRun)}>
      <p className={r.dryRun ? '' : 'success'} role="status">
        {r.dryRun ? (
          <>
            <strong>Dry run: nothing was sent.</strong> {formatCount(r.users)} users would go to{' '}
            {r.url} in {formatCount(r.batches)} {r.batches === 1 ? 'batch' : 'batches'}.
          </>
        ) : (
          <>
            <strong>
              Sent {formatCount(r.sent)} of {formatCount(r.users)} users
            </strong>{' '}
            to {r.url} in {formatCount(r.batches)} {r.batches === 1 ? 'batch' : 'batches'} (
            {formatCount(r.attempts)} {r.attempts === 1 ? 'request' : 'requests'}, retries
            included).
          </>
        )}
      </p>
      {r.sample !== null && r.sample !== undefined && (
        <details open={r.dryRun}>
          <summary>First batch body</summary>
          <pre className="webhook-sample" data-testid="webhook-sample">
            {JSON.stringify(r.sample, null, 2)}
          </pre>
        </details>
      )}
    </div>
  );
}
