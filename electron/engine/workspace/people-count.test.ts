import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempWorkspace, type TempWorkspace } from '../testing/temp-workspace';

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await tempWorkspace();
});
afterEach(() => ws.close());

const EVENTS =
  'user_id,event,timestamp\nu1,a,2024-03-01T09:00:00Z\nu2,a,2024-03-02T09:00:00Z\nu3,a,2024-03-03T09:00:00Z\n';

/** The Data view's People card and its people list read these counts: they must agree. */
describe('people counts in workspace.info', () => {
  it('counts every row of the people table, which the people list shows, before any people import', async () => {
    await ws.api['import.events']({ files: [ws.write('e.csv', EVENTS)] });
    const info = await ws.api['workspace.info']({});
    const list = await ws.api['users.page']({ search: '', offset: 0, limit: 10 });
    expect(info.people).toBe(3);
    expect(info.people).toBe(list.total);
    expect(info.users).toBe(3);
    // Nothing came from a people export: nobody has an identity yet.
    expect(info.identities).toBe(0);
  });

  it('counts people known only from a people import, and identities in any imported column', async () => {
    await ws.api['import.events']({ files: [ws.write('e.csv', EVENTS)] });
    // Only CRM columns of its own (no email, no names): those are identities too.
    await ws.api['import.users']({
      files: [ws.write('p.csv', 'user_id,plan,country\nu1,pro,FR\nu9,free,DE\n')],
    });
    const info = await ws.api['workspace.info']({});
    const list = await ws.api['users.page']({ search: '', offset: 0, limit: 10 });
    expect(info.users).toBe(3);
    expect(info.people).toBe(4);
    expect(info.people).toBe(list.total);
    expect(info.identities).toBe(2);
  });

  it('says why a read-only workspace is read-only', async () => {
    await ws.api['import.events']({ files: [ws.write('e.csv', EVENTS)] });
    const writable = await ws.api['workspace.info']({});
    expect(writable.workspace.readOnly).toBe(false);
    expect(writable.workspace.readOnlyReason).toBeUndefined();
    await ws.api['workspace.open']({ path: ws.file, readOnly: true });
    const info = await ws.api['workspace.info']({});
    expect(info.workspace.readOnly).toBe(true);
    expect(info.workspace.readOnlyReason).toContain('read-only');
    const refused = await ws.api['workspace.updateSettings']({ weekStart: 'sunday' }).catch(
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({
      code: 'READ_ONLY',
      message: info.workspace.readOnlyReason,
    });
  });
});
