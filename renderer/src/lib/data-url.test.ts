import { describe, expect, it } from 'vitest';
import { dataUrlToBlob } from './data-url';

describe('dataUrlToBlob', () => {
  it('decodes a base64 PNG to its bytes and type', async () => {
    // The 8-byte PNG signature and the start of an IHDR chunk.
    const bytes = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82];
    const url = `data:image/png;base64,${btoa(String.fromCharCode(...bytes))}`;
    const blob = dataUrlToBlob(url);
    expect(blob.type).toBe('image/png');
    expect([...new Uint8Array(await blob.arrayBuffer())]).toEqual(bytes);
  });

  it('decodes a percent-encoded one, and refuses what is not a data: URL', async () => {
    const blob = dataUrlToBlob('data:image/svg+xml;charset=utf-8,%3Csvg%2F%3E');
    expect(blob.type).toBe('image/svg+xml');
    expect(await blob.text()).toBe('<svg/>');
    expect(() => dataUrlToBlob('https://example.com/a.png')).toThrow('Not a data: URL.');
  });
});
