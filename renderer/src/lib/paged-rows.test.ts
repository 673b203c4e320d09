import { describe, expect, it } from 'vitest';
import { PagedRows } from './paged-rows';

/** A fake server of `total` rows {i}, recording which offsets were asked for. */
function source(total: number) {
  const asked: number[] = [];
  const fetchPage = async (offset: number, limit: number) => {
    asked.push(offset);
    await Promise.resolve();
    const rows = [];
    for (let i = offset; i < Math.min(total, offset + limit); i++) rows.push({ i });
    return { rows, total };
  };
  return { asked, fetchPage };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('PagedRows', () => {
  it('loads the pages a range needs, once each, and serves rows from them', async () => {
    const { asked, fetchPage } = source(1_000);
    const rows = new PagedRows(fetchPage, 100);
    expect(rows.ready).toBe(false);
    await rows.start();
    expect(rows.ready).toBe(true);
    expect(rows.total).toBe(1_000);
    expect(rows.get(99)).toEqual({ i: 99 });
    expect(rows.get(100)).toBeUndefined();
    rows.ensure(150, 320);
    rows.ensure(150, 320); // already pending: not asked twice
    await settle();
    expect(asked).toEqual([0, 100, 200, 300]);
    expect(rows.get(319)).toEqual({ i: 319 });
    rows.ensure(990, 1_200); // past the end: only the last page
    await settle();
    expect(asked.at(-1)).toBe(900);
    expect(asked).not.toContain(1_000);
  });

  it('keeps only the most recently used pages', async () => {
    const { asked, fetchPage } = source(10_000);
    const rows = new PagedRows(fetchPage, 10, 3);
    await rows.start();
    for (const p of [1, 2, 3]) rows.ensure(p * 10, p * 10 + 1);
    await settle();
    expect(rows.get(0)).toBeUndefined(); // page 0 was the least recently used
    expect(rows.get(35)).toEqual({ i: 35 });
    rows.ensure(0, 1);
    await settle();
    expect(asked.filter((o) => o === 0)).toHaveLength(2);
  });

  it('notifies listeners and keeps the error of a failed page', async () => {
    let calls = 0;
    const rows = new PagedRows(async () => {
      calls++;
      throw new Error('gone');
    }, 10);
    let notified = 0;
    rows.subscribe(() => notified++);
    await rows.start();
    expect([calls, notified, rows.error?.message]).toEqual([1, 1, 'gone']);
  });
});
