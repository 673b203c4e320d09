import { funnelView } from './funnel';
import type { KindView, ViewKind } from './kind-view';
import { lifecycleView } from './lifecycle';
import { pathsView } from './paths';
import { retentionView } from './retention';
import { sessionsView } from './sessions';
import { stickinessView } from './stickiness';
import { trendsView } from './trends';

export type { ViewKind } from './kind-view';

/**
 * Every analysis view of the window, by kind; typed over the kinds, so a kind added to the
 * spec union without its view does not compile. (Event types have their own Events view.)
 */
export const KIND_VIEWS: { [K in ViewKind]: KindView<K> } = {
  trends: trendsView,
  funnel: funnelView,
  retention: retentionView,
  lifecycle: lifecycleView,
  stickiness: stickinessView,
  paths: pathsView,
  sessions: sessionsView,
};
