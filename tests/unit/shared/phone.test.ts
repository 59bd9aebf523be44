import { describe, expect, it } from 'vitest';
import { formatPhoneForDisplay, normalizePhone, toE164 } from '../../../shared/phone.js';

describe('normalizePhone', () => {
  it.each([
    ['+1 215 555 0142', '+12155550142'],
    ['215-555-0142', '+12155550142'],
    ['(215) 555-0142', '+12155550142'],
    ['215.555.0142', '+12155550142'],
    ['2155550142', '+12155550142'],
    ['1 (215) 555-0142', '+12155550142'],
    ['+12155550142', '+12155550142'],
    ['  +1 267 555 0100  ', '+12675550100'],
  ])('reads the US format %s as %s', (input, e164) => {
    const parsed = normalizePhone(input);
    expect(parsed).toMatchObject({ ok: true, e164 });
  });

  it('keeps an extension apart from the number', () => {
    const parsed = normalizePhone('(215) 686-8686 ext. 1234');
    expect(parsed).toEqual({ ok: true, e164: '+12156868686', extension: '1234', national: '(215) 686-8686 ext. 1234' });
    expect(normalizePhone('215 686 8686 x7')).toMatchObject({ e164: '+12156868686', extension: '7' });
  });

  it('accepts international numbers written with a plus', () => {
    expect(normalizePhone('+44 20 7946 0958')).toMatchObject({ ok: true, e164: '+442079460958' });
  });

  it.each([
    [''],
    ['   '],
    ['hello'],
    ['12345'],
    ['555-0142'],
    ['+1 215 555 01420000'],
    ['anonymous'],
    ['Restricted'],
    ['client:demo-calltaker'],
    ['sip:alice@example.com'],
    ['9'.repeat(80)],
  ])('refuses %j with a reason', (input) => {
    const parsed = normalizePhone(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason.length).toBeGreaterThan(0);
  });

  it('toE164 returns null for what it cannot read', () => {
    expect(toE164('215 555 0142')).toBe('+12155550142');
    expect(toE164('anonymous')).toBeNull();
  });

  it.each([
    '+12155550142', '+1 215 555 0142', '(215) 686-8686 ext. 1234', '+44 20 7946 0958', '+19995550142', '+12151550142',
    '+16495550142', '+14165550142', '+18005550142', '215-555-0142', '555-0142', 'anonymous', 'client:x', '', '9'.repeat(80),
  ])('toE164, which skips the display formatting, reads %j as normalizePhone does', (input) => {
    const parsed = normalizePhone(input);
    expect(toE164(input)).toBe(parsed.ok ? parsed.e164 : null);
  });

  it('formats for display and leaves unreadable input as it was', () => {
    expect(formatPhoneForDisplay('+12155550142')).toBe('(215) 555-0142');
    expect(formatPhoneForDisplay('anonymous')).toBe('anonymous');
  });
});
