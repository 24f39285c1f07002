import { describe, expect, it } from 'vitest';
import { claimParamsFor, claimWindowsMin, DEFAULT_CLAIM_PARAMS, readClaimProfiles } from './claim-params.js';

const { profiles, problems } = readClaimProfiles({
  defaults: { noUpdateHours: 12 },
  carriers: { 'Polar Freight ': { deliveredWindowMin: 45, arrivalWithinMin: 60 } },
  lanes: { 'AMS-RTM': { arrivalWithinMin: 180 } },
});

describe('claim parameters per carrier and lane', () => {
  it('reads a profile without a problem', () => {
    expect(problems).toEqual([]);
  });

  it.each([
    ['an unknown carrier on an unknown lane: the defaults, as the file changes them', 'coldline', 'AMS-LUX', { ...DEFAULT_CLAIM_PARAMS, noUpdateHours: 12 }],
    ["the carrier's, its name matched whatever its case and spaces", 'POLAR FREIGHT', 'AMS-LUX', { ...DEFAULT_CLAIM_PARAMS, noUpdateHours: 12, deliveredWindowMin: 45, arrivalWithinMin: 60 }],
    ["the lane's over the carrier's", 'polar freight', 'AMS-RTM', { ...DEFAULT_CLAIM_PARAMS, noUpdateHours: 12, deliveredWindowMin: 45, arrivalWithinMin: 180 }],
    ['a lane is matched as spelt', 'polar freight', 'ams-rtm', { ...DEFAULT_CLAIM_PARAMS, noUpdateHours: 12, deliveredWindowMin: 45, arrivalWithinMin: 60 }],
  ])('%s', (_, carrier, lane, expected) => {
    expect(claimParamsFor(profiles, carrier, lane)).toEqual(expected);
  });

  it('names every mistake of a profile by its path', () => {
    expect(readClaimProfiles({
      defaults: { deliveredWindowMin: 0, hubFarKm: '5' }, carriers: { DHL: { x: 1 }, dhl: {} }, lanes: [], extra: true,
    }).problems).toEqual([
      'extra: unknown (known: defaults, carriers, lanes)',
      'defaults.deliveredWindowMin: expected a number 1-10080, got 0',
      'defaults.hubFarKm: expected a number 0.1-1000, got "5"',
      'carriers.DHL.x: unknown parameter (known: deliveredWindowMin, hubWindowMin, hubFarKm, shippedWithinMin, arrivalWithinMin, noUpdateHours)',
      'carriers.dhl: named twice',
      'lanes: expected an object by name',
    ]);
    expect(readClaimProfiles([]).problems).toEqual(['the claims profile must be an object with defaults, carriers and lanes']);
  });

  it('lists every claim window a profile can give, for the re-judgement after a claim', () => {
    expect(claimWindowsMin(profiles)).toEqual([30, 45]);
    expect(claimWindowsMin({})).toEqual([30]);
  });
});
