import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_ALLOW_LIST, allowListFromEnv, loadPromotionConfig, timingFromEnv } from '../../../src/adapters/local/promotion-config.js';
import { InvalidInputError } from '../../../src/core/errors.js';

const dirWith = (content?: string): string => {
  const dir = mkdtempSync(join(tmpdir(), 'mg-promo-config-'));
  if (content !== undefined) writeFileSync(join(dir, 'promotion.json'), content);
  return dir;
};

describe('promotion configuration', () => {
  it('takes the allow-list from the environment first', async () => {
    // Act
    const config = await loadPromotionConfig({
      env: { MODELGATE_PROMOTION_ACCOUNTS: '222222222222, 444444444444', MODELGATE_PROMOTION_ROLES: 'arn:aws:iam::*:role/modelgate-*' },
      stateDir: dirWith('{"accounts":["999999999999"]}'),
      fallback: DEMO_ALLOW_LIST,
    });

    // Assess
    expect(config).toEqual({
      allowList: { accounts: ['222222222222', '444444444444'], roles: ['arn:aws:iam::*:role/modelgate-*'] },
      timing: {},
      source: 'MODELGATE_PROMOTION_ACCOUNTS',
    });
  });

  it('then from <stateDir>/promotion.json, then the fallback', async () => {
    // Prepare
    const dir = dirWith('{"accounts":["999999999999"],"roles":[]}');

    // Act
    const fromFile = await loadPromotionConfig({ env: {}, stateDir: dir, fallback: DEMO_ALLOW_LIST });
    const fallback = await loadPromotionConfig({ env: {}, stateDir: dirWith(), fallback: DEMO_ALLOW_LIST, fallbackSource: 'demo' });

    // Assess
    expect(fromFile).toEqual({ allowList: { accounts: ['999999999999'], roles: [] }, timing: {}, source: join(dir, 'promotion.json') });
    expect(fallback).toEqual({ allowList: DEMO_ALLOW_LIST, timing: {}, source: 'demo' });
  });

  it('says where a bad configuration is and what was expected', async () => {
    // Act / Assess
    expect(() => allowListFromEnv({ MODELGATE_PROMOTION_ACCOUNTS: '2222, 333333333333' })).toThrow(/MODELGATE_PROMOTION_ACCOUNTS.*"2222" not an account id/);
    await expect(loadPromotionConfig({ env: {}, stateDir: dirWith('{"accounts":["12"]}'), fallback: DEMO_ALLOW_LIST })).rejects.toThrow(
      /promotion\.json at \/accounts\/0/,
    );
    await expect(loadPromotionConfig({ env: {}, stateDir: dirWith('{accounts'), fallback: DEMO_ALLOW_LIST })).rejects.toThrow(InvalidInputError);
    expect(() => timingFromEnv({ MODELGATE_PROMOTION_STAGE_DEADLINE_SECONDS: 'soon' })).toThrow(/MODELGATE_PROMOTION_STAGE_DEADLINE_SECONDS/);
  });

  it('reads promotion.json strictly: an account list given twice is refused, naming the key', async () => {
    // The second "accounts" would widen the allow-list if the last one silently won.
    const dir = dirWith('{"accounts":["111111111111"],"accounts":["999999999999"]}');
    await expect(loadPromotionConfig({ env: {}, stateDir: dir, fallback: DEMO_ALLOW_LIST })).rejects.toThrow(/promotion\.json.*duplicate key "accounts"/);
  });

  it('reads the stage deadline and backoff from the environment', () => {
    // Act / Assess
    expect(timingFromEnv({ MODELGATE_PROMOTION_STAGE_DEADLINE_SECONDS: '1800', MODELGATE_PROMOTION_MAX_WAIT_SECONDS: '120' })).toEqual({
      stageDeadlineSeconds: 1800,
      maxWaitSeconds: 120,
    });
    expect(allowListFromEnv({})).toBeNull();
    expect(allowListFromEnv({ MODELGATE_PROMOTION_ACCOUNTS: '' })).toEqual({ accounts: [], roles: [] });
  });
});
