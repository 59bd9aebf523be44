// Sign-in, locking and the second factor end to end in web mode: a desk host started without a
// password shows the sign-in screen; a wrong password is said as such, the right one opens the
// desk; Ctrl+L locks it with residents' data gone from the page until the password unlocks it;
// a team lead signs in through the enrollment of a second factor, with the code computed from the
// secret shown on screen, and the server's short inactivity policy then locks the desk by itself.
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SEED_PASSWORD } from '../../server/config.js';
import { startStack, type Stack } from './stack.js';
import { itCatchesATamperedAuditEntry, itLeavesACleanTrail } from './trail.js';

async function authScreenState(stack: Stack): Promise<string | null> {
  const screen = stack.page.getByTestId('auth-screen');
  return (await screen.count()) === 0 ? null : screen.getAttribute('data-state');
}

describe('sign-in and locking in web mode', () => {
  let stack: Stack;
  let reference: string;

  beforeAll(async () => {
    stack = await startStack({ password: null });
    const rows = await stack.server.store.query<{ reference: string }>("SELECT reference FROM service_requests WHERE status <> 'closed' ORDER BY reference LIMIT 1");
    reference = rows[0]!.reference;
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('shows the sign-in screen, says a wrong password is wrong, and opens the desk with the right one', async () => {
    const { page } = stack;
    await expect.poll(() => authScreenState(stack)).toBe('signed_out');
    expect(await page.getByTestId('sign-in-agent').inputValue()).toBe('demo-calltaker');
    expect(await page.locator('.status-bar').count()).toBe(0);

    await page.getByLabel('Password').fill('not the password at all');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('auth-error').getAttribute('data-code')).toBe('INVALID_CREDENTIALS');
    expect(await page.getByTestId('auth-error').textContent()).toContain('password is not right');
    expect(await page.getByTestId('sign-in-password').inputValue()).toBe('');

    const signedIn = await stack.appEventCount('desk-ready');
    await page.getByLabel('Password').fill(DEMO_SEED_PASSWORD);
    await page.keyboard.press('Enter');
    await stack.waitForAppEvent('desk-ready', signedIn);
    await expect.poll(() => authScreenState(stack)).toBeNull();
    await stack.waitForAppEvent('softphone-registered');
  });

  it('locks on Ctrl+L with the data gone from the page, and unlocks with the password', async () => {
    const { page } = stack;
    await stack.host.syncOnce();
    await page.getByTestId('case-search').fill(reference);
    await expect.poll(() => page.getByTestId('case-search-result').count()).toBe(1);
    await page.getByTestId('case-search-result').first().click();
    await expect.poll(async () => (await page.content()).includes(reference)).toBe(true);

    const locks = await stack.appEventCount('auth-state');
    await page.keyboard.press('Control+l');
    await stack.waitForAppEvent('auth-state', locks);
    await expect.poll(() => authScreenState(stack)).toBe('locked');
    const lockedPage = await page.content();
    expect(lockedPage).not.toContain(reference);
    expect(await page.getByTestId('case-search').count()).toBe(0);
    expect(await page.getByTestId('lock-name').textContent()).toBeTruthy();
    expect(await page.getByTestId('auth-reason').textContent()).toContain('Locked');

    await page.getByLabel('Password').fill('wrong password here');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('auth-error').getAttribute('data-code')).toBe('INVALID_CREDENTIALS');
    await page.getByLabel('Password').fill(DEMO_SEED_PASSWORD);
    await page.keyboard.press('Enter');
    await expect.poll(() => authScreenState(stack)).toBeNull();
    await expect.poll(() => page.getByTestId('case-search').count()).toBe(1);
  });

  it('signs out from the account menu, back to the sign-in screen', async () => {
    const { page } = stack;
    // The case opened before the lock is back after the unlock; it covers the menu.
    await page.getByTestId('case-detail-close').click();
    await page.getByTestId('account-menu').click();
    await page.getByTestId('sign-out').click();
    await expect.poll(() => authScreenState(stack)).toBe('signed_out');
    expect(await page.getByTestId('auth-reason').textContent()).toContain('Signed out');
    expect((await stack.host.desk.getAuthState({})).offlineUnlockUntil).toBeNull();
  });

  itLeavesACleanTrail(() => stack);
  itCatchesATamperedAuditEntry(() => stack);
});

describe('a team lead\'s second factor and the inactivity lock in web mode', () => {
  let stack: Stack;

  beforeAll(async () => {
    // 0.05 minutes = 3 seconds without input before the desk locks by itself.
    stack = await startStack({
      agentId: 'demo-lead', password: null, serverEnv: { FRONTDESK_TOTP_REQUIRED_ROLES: 'team_lead,admin', FRONTDESK_LOCK_AFTER_MINUTES: '0.05' },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('enrolls with the secret shown on screen and opens the desk', async () => {
    const { page } = stack;
    await expect.poll(() => authScreenState(stack)).toBe('signed_out');
    await page.getByLabel('Password').fill(DEMO_SEED_PASSWORD);
    await page.keyboard.press('Enter');
    await expect.poll(() => authScreenState(stack)).toBe('totp_enrollment');

    const shown = (await page.getByTestId('enrollment-secret').textContent()) ?? '';
    expect(shown).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    expect(await page.getByTestId('enrollment-uri').getAttribute('href')).toMatch(/^otpauth:\/\/totp\//);
    const totp = new TOTP({ secret: Secret.fromBase32(shown.replace(/\s+/g, '')) });

    const opened = await stack.appEventCount('desk-ready');
    await page.getByLabel('6-digit code').fill(totp.generate());
    await page.keyboard.press('Enter');
    await stack.waitForAppEvent('desk-ready', opened);
    await expect.poll(() => authScreenState(stack)).toBeNull();
    await expect.poll(() => page.getByTestId('view-switch').count()).toBe(1);
  });

  it('locks by itself after the server\'s inactivity policy, and says why', async () => {
    const { page } = stack;
    // No input from here on: the desk locks after three seconds.
    await page.getByTestId('auth-screen').waitFor({ timeout: 20_000 });
    expect(await authScreenState(stack)).toBe('locked');
    expect(await page.getByTestId('auth-reason').textContent()).toContain('without input');
    expect(await stack.host.desk.getAuthState({})).toMatchObject({ state: 'locked', reason: 'inactivity' });
    await page.getByLabel('Password').fill(DEMO_SEED_PASSWORD);
    await page.keyboard.press('Enter');
    await expect.poll(() => stack.host.desk.getAuthState({}).then((auth) => auth.state)).toBe('unlocked');
  });

  itLeavesACleanTrail(() => stack);
});
