/**
 * Three users' events for the session and path tests, cut by the 30-minute gap (UTC):
 * u1: 10:00 home, 10:05 search, 10:20 view, 10:21 view, 10:25 cart -> s1, 25 min, 5 events
 *     11:30 home                                                   -> s2, a bounce
 * u2: 12:00 home, 12:10 view, 12:40 cart (30 min after view: same session) -> s3
 *     13:20 home                                                   -> s4, a bounce
 * u3: 2024-01-02 09:00 ping, 09:01 home, 09:02 view                -> s5
 */
export const SESSIONS_EVENTS = `user_id,event,timestamp
u1,home,2024-01-01T10:00:00Z
u1,search,2024-01-01T10:05:00Z
u1,view,2024-01-01T10:20:00Z
u1,view,2024-01-01T10:21:00Z
u1,cart,2024-01-01T10:25:00Z
u1,home,2024-01-01T11:30:00Z
u2,home,2024-01-01T12:00:00Z
u2,view,2024-01-01T12:10:00Z
u2,cart,2024-01-01T12:40:00Z
u2,home,2024-01-01T13:20:00Z
u3,ping,2024-01-02T09:00:00Z
u3,home,2024-01-02T09:01:00Z
u3,view,2024-01-02T09:02:00Z
`;
