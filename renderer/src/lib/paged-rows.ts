import type { Row } from './arrow';

export interface Page {
  rows: Row[];
  total: number | null;
}

/**
 * Rows of a large result fetched a page at a time as a grid scrolls: pages around the viewport
 * are requested once, kept in a small most-recently-used cache, and every arrival notifies the
 * grid. A new filter means a new PagedRows, so a late page of an old filter never lands.
 */
export class PagedRows {
  private readonly pages = new Map<number, Row[]>();
  private readonly pending = new Set<number>();
  private readonly listeners = new Set<() => void>();
  total: number;
  error: Error | null = null;
  /** The first page has answered (rows or an error): `total` is known. */
  ready = false;

  constructor(
    private readonly fetchPage: (offset: number, limit: number) => Promise<Page>,
    readonly pageSize = 500,
    private readonly maxPages = 40,
    total = 0,
  ) {
    this.total = total;
  }

  /** The row, or undefined while its page is on its way. */
  get(index: number): Row | undefined {
    const page = this.pages.get(Math.floor(index / this.pageSize));
    return page?.[index % this.pageSize];
  }

  /** Makes sure the pages holding rows [start, end) are loaded or loading. */
  ensure(start: number, end: number): void {
    const first = Math.max(0, Math.floor(start / this.pageSize));
    const last = Math.floor(Math.max(start, end - 1) / this.pageSize);
    for (let p = first; p <= last; p++) {
      if (p * this.pageSize >= Math.max(this.total, 1)) break;
      const page = this.pages.get(p);
      if (page !== undefined) {
        // Touch: most recently used pages live longest.
        this.pages.delete(p);
        this.pages.set(p, page);
      } else if (!this.pending.has(p)) {
        this.load(p);
      }
    }
  }

  /** Loads the first page and learns the total. */
  async start(): Promise<void> {
    // Once: React's development mode runs effects twice.
    if (this.pages.has(0) || this.pending.has(0)) return;
    await this.load(0);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async load(page: number): Promise<void> {
    this.pending.add(page);
    try {
      const result = await this.fetchPage(page * this.pageSize, this.pageSize);
      this.pages.set(page, result.rows);
      if (result.total !== null) this.total = result.total;
      while (this.pages.size > this.maxPages) {
        const oldest = this.pages.keys().next().value;
        if (oldest === undefined) break;
        this.pages.delete(oldest);
      }
      this.error = null;
    } catch (error) {
      this.error = error instanceof Error ? error : new Error(String(error));
    } finally {
      if (page === 0) this.ready = true;
      this.pending.delete(page);
      for (const listener of this.listeners) listener();
    }
  }
}
