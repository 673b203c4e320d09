import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Transport } from '../../shared/api/client';
import type { ApiClient, MethodName } from '../../shared/api/contract';
import { httpTransport } from '../../shared/api/http-transport';
import type { LifecycleSpec } from '../../shared/specs/lifecycle';
import { Engine } from '../engine/engine';
import { createLocalClient } from '../engine/local-client';
import { startServer, type WorkbenchServer } from './http-server';

/**
 * One contract, every transport: the same calls, errors and cancellation give the same answers
 * in process (CLI, tests) and over HTTP (browser mode). Electron's IPC carries the same replies
 * as data through the preload bridge; it cannot start here.
 */
const EVENTS = [
  'user_id,event,timestamp,plan',
  'u1,use,2024-01-02T10:00:00Z,pro',
  'u2,use,2024-01-03T10:00:00Z,free',
  'u1,use,2024-01-09T10:00:00Z,pro',
  'u3,use,2024-01-10T10:00:00Z,free',
  '',
].join('\n');

const lifecycle: LifecycleSpec = {
  kind: 'lifecycle',
  version: 1,
  events: { event: 'use', where: [] },
  interval: 'week',
  dateRange: { type: 'absolute', from: '2024-01-01', to: '2024-01-14' },
  filters: [],
};

interface Side {
  name: string;
  api: ApiClient;
  /** The raw transport, to send what the typed client cannot (a method that does not exist). */
  transport: Transport;
  dir: string;
  close: () => Promise<void>;
}

async function localSide(): Promise<Side> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'conformance-local-'));
  const engine = new Engine({ WORKBENCH_HOME: dir, WORKBENCH_NOW: '2024-03-01T00:00:00Z' });
  return {
    name: 'in process',
    api: createLocalClient(engine),
    transport: (method, request, options) => engine.call(method, request, options),
    dir,
    close: async () => {
      engine.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function httpSide(): Promise<Side> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'conformance-http-'));
  const engine = new Engine({ WORKBENCH_HOME: dir, WORKBENCH_NOW: '2024-03-01T00:00:00Z' });
  const server: WorkbenchServer = await startServer({ engine });
  const base = server.url.replace(/\/\?token=.*$/, '');
  const transport = httpTransport(base, server.token, fetch);
  return {
    name: 'over HTTP',
    api: createClient(transport),
    transport,
    dir,
    close: async () => {
      await server.close();
      engine.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const sides: Side[] = [];
beforeAll(async () => {
  sides.push(await localSide(), await httpSide());
  for (const side of sides) {
    await side.api['workspace.open']({ path: path.join(side.dir, 'w.duckdb') });
    const file = path.join(side.dir, 'events.csv');
    writeFileSync(file, EVENTS);
    await side.api['import.events']({ files: [file] });
  }
});
afterAll(async () => {
  for (const side of sides) await side.close();
});

/** The same call on every side: the replies (or the errors' code and message) side by side. */
async function onEverySide(call: (api: ApiClient) => Promise<unknown>): Promise<unknown[]> {
  return Promise.all(
    sides.map(async (side) => {
      try {
        return { ok: await call(side.api) };
      } catch (error) {
        const e = error as { code?: string; message?: string; detail?: unknown };
        return { error: { code: e.code, message: e.message } };
      }
    }),
  );
}

describe('the contract on every transport', () => {
  it('answers calls alike: info, an analysis, the users behind a number', async () => {
    const [local, remote] = await onEverySide(async (api) => {
      const info = await api['workspace.info']({});
      const result = await api['analysis.run']({ spec: lifecycle });
      const users = await api['analysis.users']({
        spec: lifecycle,
        select: { kind: 'lifecycle', period: '2024-01-08', status: 'new' },
        limit: 10,
      });
      return { events: info.events, users: info.users, result, behind: users };
    });
    expect(remote).toEqual(local);
    expect(local).toMatchObject({
      ok: {
        events: 4,
        users: 3,
        result: { new: [2, 1], returning: [0, 1], dormant: [0, -1] },
        behind: { total: 1, users: [{ user_id: 'u3' }] },
      },
    });
  });

  it('refuses bad requests alike, naming the field and the nearest valid one', async () => {
    const typo = await onEverySide((api) =>
      api['analysis.run']({ spec: { ...lifecycle, intervl: 'day' } as never }),
    );
    expect(typo[1]).toEqual(typo[0]);
    expect(typo[0]).toEqual({
      error: {
        code: 'INVALID_REQUEST',
        message: expect.stringContaining(
          'spec.intervl: not a field of a lifecycle spec (did you mean interval?)',
        ),
      },
    });
    const unknown = await Promise.all(
      sides.map((side) => side.transport('analysis.walk' as MethodName, {}, {})),
    );
    expect(unknown[1]).toEqual(unknown[0]);
    expect(unknown[0]).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    const missing = await onEverySide((api) =>
      api['workspace.open']({ path: '/nonexistent/dir/w.duckdb', create: false }),
    );
    expect(missing[1]).toEqual(missing[0]);
    expect(missing[0]).toMatchObject({ error: { code: 'WORKSPACE_NOT_FOUND' } });
    // A path that does not open leaves the open workspace as it was.
    const still = await onEverySide(async (api) => (await api['workspace.info']({})).events);
    expect(still).toEqual([{ ok: 4 }, { ok: 4 }]);
  });

  it('answers zeros with a warning for an event nobody did, alike', async () => {
    const spec = { ...lifecycle, events: { event: 'uze', where: [] } };
    const [local, remote] = await onEverySide((api) => api['analysis.run']({ spec }));
    expect(remote).toEqual(local);
    expect(local).toMatchObject({
      ok: {
        new: [0, 0],
        warnings: [expect.stringMatching(/^Nobody did 'uze' in this workspace yet.*nearest: use/)],
      },
    });
  });

  it('cancels a long call by its job id alike, and stays usable', async () => {
    const replies = await Promise.all(
      sides.map(async (side, i) => {
        const jobId = `conformance-${i}`;
        const running = side.api['sql.query'](
          // Minutes of work on one core if left alone.
          { sql: 'SELECT sum(hash(i)) FROM range(100000000000) t(i)' },
          { jobId },
        );
        await new Promise((resolve) => setTimeout(resolve, 300));
        const cancelled = await side.api['job.cancel']({ jobId });
        const outcome = await running.then(
          () => 'finished',
          (e: { code?: string }) => e.code,
        );
        const after = await side.api['workspace.info']({});
        return { cancelled, outcome, events: after.events };
      }),
    );
    expect(replies[1]).toEqual(replies[0]);
    expect(replies[0]).toEqual({ cancelled: { cancelled: true }, outcome: 'CANCELLED', events: 4 });
  });
});
