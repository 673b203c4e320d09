import { createContext, useContext, type ReactNode } from 'react';
import { ScoreRuleEditor } from './ScoreRuleEditor';
import type { SegmentInfo } from '../../../../shared/api/segment-types';
import type { SavedSpec } from '../../../../shared/api/workspace-types';
import {
  isRuleGroup,
  LEAF_TYPES,
  type LeafType,
  type RuleLeaf,
  type SegmentRule,
} from '../../../../shared/specs/segment';
import { EventRuleEditor } from './EventRuleEditor';
import { MetricRuleEditor } from './MetricRuleEditor';
import { OutcomeRuleEditor, SegmentRefEditor } from './ReferenceRules';
import { UserRuleEditor } from './UserRuleEditor';
import {
  addTo,
  childrenOf,
  LEAF_LABELS,
  newLeaf,
  replaceAt,
  samePath,
  setJoin,
  toggleNot,
  type LeafDefaults,
  type RuleProblem,
} from './rule-edit';

/** What the leaves pick from: other segments, saved analyses, the builder's first choices. */
export interface RuleChoices {
  segments: SegmentInfo[];
  analyses: SavedSpec[];
  /** The segment being edited (it cannot contain itself). */
  selfId: string | undefined;
  defaults: LeafDefaults;
  coreFeatures: string[];
  today: string;
}

const ChoicesContext = createContext<RuleChoices | null>(null);

export function useRuleChoices(): RuleChoices {
  const c = useContext(ChoicesContext);
  if (c === null) throw new Error('a rule editor outside RuleBuilder');
  return c;
}

/**
 * The rule as nested groups: each group all (AND) or any (OR) of its rules, any rule or group
 * negatable (NOT), leaves of five types. Problems the schema finds are shown at their rule.
 */
export function RuleBuilder({
  rule,
  onChange,
  choices,
  problems,
}: {
  rule: SegmentRule;
  onChange: (rule: SegmentRule) => void;
  choices: RuleChoices;
  problems: RuleProblem[];
}) {
  return (
    <ChoicesContext.Provider value={choices}>
      <RuleNode
        rule={rule}
        path={[]}
        root={rule}
        onRoot={onChange}
        problems={problems}
        canRemove={false}
      />
    </ChoicesContext.Provider>
  );
}

interface NodeProps {
  rule: SegmentRule;
  path: number[];
  root: SegmentRule;
  onRoot: (rule: SegmentRule) => void;
  problems: RuleProblem[];
  canRemove: boolean;
}

function RuleNode(props: NodeProps) {
  const { rule, path, root, onRoot, problems } = props;
  const set = (next: SegmentRule | null): void => onRoot(replaceAt(root, path, next));
  const mine = problems.filter((p) => samePath(p.path, path));
  if ('not' in rule) {
    return (
      <div className="rule-not">
        <div className="rule-not-head">
          <span className="rule-join not">NOT</span>
          <button
            type="button"
            className="small ghost"
            title="Take the NOT off: the rule holds as written"
            onClick={() => set(toggleNot(rule))}
          >
            Remove NOT
          </button>
        </div>
        <RuleNode {...props} rule={rule.not} path={[...path, 0]} canRemove={false} />
        <Problems problems={mine} />
      </div>
    );
  }
  if (isRuleGroup(rule)) return <GroupEditor {...props} mine={mine} set={set} />;
  return (
    <LeafCard leaf={rule} set={set} problems={mine} canRemove={props.canRemove}>
      <LeafEditor leaf={rule} onChange={set} />
    </LeafCard>
  );
}

function GroupEditor({
  rule,
  path,
  root,
  onRoot,
  problems,
  canRemove,
  mine,
  set,
}: NodeProps & { mine: RuleProblem[]; set: (next: SegmentRule | null) => void }) {
  const { defaults } = useRuleChoices();
  const join = 'any' in rule ? 'any' : 'all';
  const children = childrenOf(rule);
  const add = (child: SegmentRule): void => onRoot(addTo(root, path, child));
  return (
    <div className={`rule-group ${join}`} data-depth={path.length}>
      <div className="rule-group-head">
        <div className="segmented" role="group" aria-label="Join the rules with">
          <button
            type="button"
            className={join === 'all' ? 'on' : ''}
            aria-pressed={join === 'all'}
            onClick={() => set(setJoin(rule, 'all'))}
          >
            All of (AND)
          </button>
          <button
            type="button"
            className={join === 'any' ? 'on' : ''}
            aria-pressed={join === 'any'}
            onClick={() => set(setJoin(rule, 'any'))}
          >
            Any of (OR)
          </button>
        </div>
        <span className="spacer" />
        {path.length > 0 && (
          <button
            type="button"
            className="small ghost"
            title="Members are those who do not meet this group"
            onClick={() => set(toggleNot(rule))}
          >
            NOT
          </button>
        )}
        {canRemove && (
          <button
            type="button"
            className="small ghost"
            aria-label="Remove group"
            onClick={() => set(null)}
          >
            ✕
          </button>
        )}
      </div>
      {children.length === 0 && (
        <p className="muted small rule-empty">Add a condition: who should be in the segment?</p>
      )}
      {children.map((child, i) => (
        <div key={i} className="rule-item">
          {i > 0 && <span className="rule-join">{join === 'all' ? 'AND' : 'OR'}</span>}
          <RuleNode
            rule={child}
            path={[...path, i]}
            root={root}
            onRoot={onRoot}
            problems={problems}
            canRemove
          />
        </div>
      ))}
      <div className="row rule-add">
        <select
          aria-label="Add a condition"
          value=""
          onChange={(e) => {
            if (e.target.value !== '') add(newLeaf(e.target.value as LeafType, defaults));
          }}
        >
          <option value="">+ Condition…</option>
          {LEAF_TYPES.map((t) => (
            <option key={t} value={t}>
              {LEAF_LABELS[t]}
            </option>
          ))}
        </select>
        {path.length < 4 && (
          <button
            type="button"
            className="small"
            onClick={() => add(join === 'all' ? { any: [] } : { all: [] })}
          >
            + {join === 'all' ? 'OR' : 'AND'} group
          </button>
        )}
      </div>
      <Problems problems={mine} />
    </div>
  );
}

function LeafCard({
  leaf,
  set,
  problems,
  canRemove,
  children,
}: {
  leaf: RuleLeaf;
  set: (next: SegmentRule | null) => void;
  problems: RuleProblem[];
  canRemove: boolean;
  children: ReactNode;
}) {
  return (
    <div className={`rule-leaf${problems.length > 0 ? ' has-problem' : ''}`} data-leaf={leaf.type}>
      <div className="rule-leaf-head">
        <span className="rule-leaf-type">{LEAF_LABELS[leaf.type]}</span>
        <span className="spacer" />
        <button
          type="button"
          className="small ghost"
          title="Members are those who do not meet this condition"
          onClick={() => set(toggleNot(leaf))}
        >
          NOT
        </button>
        {canRemove && (
          <button
            type="button"
            className="small ghost"
            aria-label={`Remove ${LEAF_LABELS[leaf.type].toLowerCase()} condition`}
            onClick={() => set(null)}
          >
            ✕
          </button>
        )}
      </div>
      {children}
      <Problems problems={problems} />
    </div>
  );
}

function LeafEditor({ leaf, onChange }: { leaf: RuleLeaf; onChange: (r: RuleLeaf) => void }) {
  switch (leaf.type) {
    case 'event':
      return <EventRuleEditor rule={leaf} onChange={onChange} />;
    case 'metric':
      return <MetricRuleEditor rule={leaf} onChange={onChange} />;
    case 'user':
      return <UserRuleEditor rule={leaf} onChange={onChange} />;
    case 'segment':
      return <SegmentRefEditor rule={leaf} onChange={onChange} />;
    case 'outcome':
      return <OutcomeRuleEditor rule={leaf} onChange={onChange} />;
    case 'score':
      return <ScoreRuleEditor rule={leaf} onChange={onChange} />;
  }
}

function Problems({ problems }: { problems: RuleProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="rule-problems" role="status">
      {problems.map((p, i) => (
        <li key={i}>{p.message}</li>
      ))}
    </ul>
  );
}
