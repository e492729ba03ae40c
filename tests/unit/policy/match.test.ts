import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { PolicyError } from '../../../src/core/errors.js';
import { findMatchConflicts, matchSpecificity, selectPolicy } from '../../../src/core/policy/match.js';
import { policy } from './support.js';

const nameOf = (r: ReturnType<typeof selectPolicy>): string | null => r.policy?.doc.metadata.name ?? null;

describe('selectPolicy', () => {
  const exact = policy('exact', { modelPackageGroups: ['credit-risk-xgb'] });
  const narrowGlob = policy('narrow', { modelPackageGroups: ['credit-risk-*'] });
  const wideGlob = policy('wide', { modelPackageGroups: ['credit-*'] });
  const byTag = policy('by-tag', { tags: { team: 'risk' } });
  const wideAndTag = policy('wide-prod', { modelPackageGroups: ['credit-*'], tags: { env: 'prod' } });
  const catchAll = policy('default', {});

  it('prefers an exact group name to any glob', () => {
    expect(nameOf(selectPolicy([wideGlob, narrowGlob, exact, catchAll], { group: 'credit-risk-xgb' }))).toBe('exact');
  });

  it('prefers the glob with more literal characters', () => {
    expect(nameOf(selectPolicy([wideGlob, narrowGlob, catchAll], { group: 'credit-risk-lgbm' }))).toBe('narrow');
    expect(nameOf(selectPolicy([wideGlob, narrowGlob, catchAll], { group: 'credit-card' }))).toBe('wide');
  });

  it('lets matching tag conditions break a tie between equal group conditions', () => {
    expect(nameOf(selectPolicy([wideGlob, wideAndTag], { group: 'credit-card', tags: { env: 'prod' } }))).toBe('wide-prod');
    expect(nameOf(selectPolicy([wideGlob, wideAndTag], { group: 'credit-card', tags: { env: 'dev' } }))).toBe('wide');
    expect(nameOf(selectPolicy([wideGlob, wideAndTag], { group: 'credit-card' }))).toBe('wide');
  });

  it('ranks any group condition above tag conditions, and tags above the catch-all', () => {
    expect(nameOf(selectPolicy([byTag, wideGlob, catchAll], { group: 'credit-card', tags: { team: 'risk' } }))).toBe('wide');
    expect(nameOf(selectPolicy([byTag, wideGlob, catchAll], { group: 'fraud', tags: { team: 'risk' } }))).toBe('by-tag');
    expect(nameOf(selectPolicy([byTag, wideGlob, catchAll], { group: 'fraud', tags: { team: 'ops' } }))).toBe('default');
  });

  it('requires every tag condition, with the exact value', () => {
    const twoTags = policy('two', { tags: { team: 'risk', env: 'prod' } });
    expect(matchSpecificity(twoTags.doc.match, { group: 'g', tags: { team: 'risk', env: 'prod', x: 'y' } })).toEqual([0, 0, 2]);
    expect(matchSpecificity(twoTags.doc.match, { group: 'g', tags: { team: 'risk' } })).toBeNull();
    expect(matchSpecificity(twoTags.doc.match, { group: 'g', tags: { team: 'Risk', env: 'prod' } })).toBeNull();
  });

  it('scores a policy by its best matching pattern', () => {
    const several = policy('several', { modelPackageGroups: ['*', 'credit-*', 'credit-risk-xgb'] });
    expect(matchSpecificity(several.doc.match, { group: 'credit-risk-xgb' })).toEqual([2, 15, 0]);
    expect(matchSpecificity(several.doc.match, { group: 'credit-card' })).toEqual([1, 7, 0]);
    expect(matchSpecificity(several.doc.match, { group: 'fraud' })).toEqual([1, 0, 0]);
  });

  it('says why when no policy matches', () => {
    // Act
    const none = selectPolicy([exact, byTag], { group: 'fraud-gbm', tags: { team: 'ops' } });
    const empty = selectPolicy([], { group: 'fraud-gbm' });
    // Assess
    expect(none).toEqual({ policy: null, reason: 'no policy governs group "fraud-gbm" with tags team=ops: none of the 2 loaded policies match it' });
    expect(empty).toEqual({ policy: null, reason: 'no policy governs group "fraud-gbm" (no tags): no policies are loaded' });
  });

  it('throws a configuration error naming both files when two policies tie at the top', () => {
    // Prepare
    const twin = policy('twin', { modelPackageGroups: ['credit-*'] }, 'policies/twin.yaml');
    // Act
    const act = () => selectPolicy([wideGlob, twin, catchAll], { group: 'credit-card' });
    // Assess
    expect(act).toThrow(PolicyError);
    expect(act).toThrow(
      'policies "wide" (policies/wide.yaml) and "twin" (policies/twin.yaml) both match group "credit-card" (no tags) with equal specificity (group glob with 7 literal characters, 0 tag conditions); make one match more specific or narrow the other',
    );
  });

  it('does not mind a tie below the winner', () => {
    const twin = policy('twin', { modelPackageGroups: ['credit-*'] });
    expect(nameOf(selectPolicy([wideGlob, twin, exact], { group: 'credit-risk-xgb' }))).toBe('exact');
  });

  it('treats two catch-alls as a tie', () => {
    expect(() => selectPolicy([catchAll, policy('default2', {})], { group: 'x' })).toThrow(/equal specificity \(no group condition, 0 tag conditions\)/);
  });
});

describe('findMatchConflicts', () => {
  it('finds nothing in a well-formed set', () => {
    const set = [
      policy('exact', { modelPackageGroups: ['credit-risk-xgb'] }),
      policy('narrow', { modelPackageGroups: ['credit-risk-*'] }),
      policy('wide', { modelPackageGroups: ['credit-*'] }),
      policy('fraud', { modelPackageGroups: ['fraud-*'] }),
      policy('prod', { modelPackageGroups: ['credit-*'], tags: { env: 'prod' } }),
      policy('dev', { modelPackageGroups: ['credit-*'], tags: { env: 'dev' } }),
      policy('default', {}),
    ];
    expect(findMatchConflicts(set)).toEqual([]);
  });

  it('reports a duplicate metadata.name with both files', () => {
    const set = [policy('a', { modelPackageGroups: ['a-*'] }, 'p/a.yaml'), policy('a', { modelPackageGroups: ['b-*'] }, 'p/b.yaml')];
    expect(findMatchConflicts(set)).toEqual(['policy name "a" is used by both p/a.yaml and p/b.yaml; names must be unique']);
  });

  it('reports the same glob in two policies', () => {
    const set = [policy('a', { modelPackageGroups: ['credit-*'] }), policy('b', { modelPackageGroups: ['fraud-*', 'credit-*'] })];
    expect(findMatchConflicts(set)).toEqual([
      'policies "a" (policies/a.yaml) and "b" (policies/b.yaml) can match the same subject with equal specificity: both list "credit-*" (e.g. group "credit-"); make one match more specific or narrow the other',
    ]);
  });

  it('reports different but equally specific globs that overlap, with an example group', () => {
    const set = [policy('a', { modelPackageGroups: ['credit-*'] }), policy('b', { modelPackageGroups: ['*-xgb-v2'] })];
    expect(findMatchConflicts(set)).toEqual([
      'policies "a" (policies/a.yaml) and "b" (policies/b.yaml) can match the same subject with equal specificity: "credit-*" and "*-xgb-v2" are equally specific (e.g. group "credit-xgb-v2"); make one match more specific or narrow the other',
    ]);
  });

  it('reports compatible tag sets of the same size and two catch-alls', () => {
    const set = [policy('a', { tags: { team: 'risk' } }), policy('b', { tags: { env: 'prod' } }), policy('c', {}), policy('d', {})];
    expect(findMatchConflicts(set)).toEqual([
      'policies "a" (policies/a.yaml) and "b" (policies/b.yaml) can match the same subject with equal specificity: neither has a group condition and their 1 tag condition(s) can hold together (any group); make one match more specific or narrow the other',
      'policies "c" (policies/c.yaml) and "d" (policies/d.yaml) can match the same subject with equal specificity: neither has a group condition (any group); make one match more specific or narrow the other',
    ]);
  });

  it('agrees with selectPolicy: a reported pair throws on its example subject', () => {
    // Prepare
    const set = [policy('a', { modelPackageGroups: ['credit-*'] }), policy('b', { modelPackageGroups: ['*-xgb-v2'] })];
    // Act
    const act = () => selectPolicy(set, { group: 'credit-xgb-v2' });
    // Assess
    expect(act).toThrow(PolicyError);
  });

  it('is complete and sound for single-pattern policies (property)', () => {
    const glob = fc.string({ unit: fc.constantFrom('a', 'b', '-', '*', '?'), minLength: 1, maxLength: 5 });
    const group = fc.string({ unit: fc.constantFrom('a', 'b', '-'), maxLength: 6 });
    fc.assert(
      fc.property(glob, glob, group, (a, b, g) => {
        // Prepare
        const set = [policy('a', { modelPackageGroups: [a] }), policy('b', { modelPackageGroups: [b] })];
        // Act
        const conflicts = findMatchConflicts(set);
        const throwsOn = (name: string): boolean => {
          try {
            selectPolicy(set, { group: name });
            return false;
          } catch {
            return true;
          }
        };
        // Assess: every run-time tie was reported; every reported example really ties
        if (throwsOn(g) && conflicts.length === 0) return false;
        const example = /e\.g\. group "([^"]*)"/.exec(conflicts[0] ?? '')?.[1];
        return example === undefined || throwsOn(example);
      }),
      { numRuns: 500 },
    );
  });
});
