// What Open311 and the transparency page may say about a place and a description: block-level
// addresses, coordinates to about 100 m, and no numbers, e-mail addresses or caller names.
import { describe, expect, it } from 'vitest';
import { generalizeAddress, publicDescription, roundCoordinate } from '../../../server/open311/privacy.js';

describe('Open311 privacy', () => {
  it('generalizes an address to its block and drops units, city and ZIP', () => {
    expect(generalizeAddress('1234 Market St')).toBe('1200 block of Market St');
    expect(generalizeAddress('1234A Market St, Apt 2, Philadelphia, PA 19107')).toBe('1200 block of Market St');
    expect(generalizeAddress('4821-23 Baltimore Ave #3')).toBe('4800 block of Baltimore Ave');
    expect(generalizeAddress('42 S 2nd St Unit 5')).toBe('0 block of S 2nd St');
    expect(generalizeAddress('Broad St & Girard Ave')).toBe('Broad St & Girard Ave');
    expect(generalizeAddress(', Philadelphia')).toBeNull();
    expect(generalizeAddress(null)).toBeNull();
  });

  it('rounds coordinates to three decimals', () => {
    expect(roundCoordinate(39.9481234)).toBe(39.948);
    expect(roundCoordinate(-75.2167891)).toBe(-75.217);
    expect(roundCoordinate(null)).toBeNull();
  });

  it('takes phone numbers, e-mail addresses, the caller\'s name and house numbers out of a description', () => {
    const known = { name: 'Denise Whitfield', email: 'denise@example.org', addresses: ['5120 Walnut St, Fl 2'] };
    expect(publicDescription('Denise Whitfield (215) 555-0142, denise@example.org: light out at 5120 Walnut St.', known))
      .toBe('[name] [phone], [email]: light out at 5100 block of Walnut St.');
    expect(publicDescription('Whitfield says a tree fell on 77 N. 63rd Street near the school.', known))
      .toBe('[name] says a tree fell on 0 block of N. 63rd Street near the school.');
    expect(publicDescription('Pothole in the right lane.', { name: null, email: null, addresses: [] })).toBe('Pothole in the right lane.');
  });
});
