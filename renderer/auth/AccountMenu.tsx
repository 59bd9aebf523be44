// The status bar's Lock button (Ctrl+L) and the account menu with "Sign out" and "Sign out
// everywhere". Keyboard-first: the menu opens on Enter or Space, Escape closes it.
import { useEffect, useId, useRef, useState } from 'react';
import { useDeskController } from '../app/controller-context.js';

export function AccountMenu() {
  const controller = useDeskController();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const firstItem = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) firstItem.current?.focus();
  }, [open]);
  const choose = (everywhere: boolean) => {
    setOpen(false);
    void controller.signOut(everywhere);
  };
  return (
    <div className="status-item account-menu" onKeyDown={(event) => {
      if (event.key === 'Escape' && open) {
        event.stopPropagation();
        setOpen(false);
      }
    }}>
      <button type="button" className="button button--quiet" data-testid="lock-desk" title="Lock the desk (Ctrl+L)" onClick={() => controller.lock()}>
        Lock <kbd>Ctrl+L</kbd>
      </button>
      <button type="button" className="button button--quiet" data-testid="account-menu" aria-haspopup="menu" aria-expanded={open} aria-controls={menuId}
        onClick={() => setOpen((was) => !was)}>
        Account ▾
      </button>
      {open && (
        <ul className="account-menu__items" id={menuId} role="menu" aria-label="Account">
          <li role="none">
            <button type="button" role="menuitem" ref={firstItem} className="button button--quiet" data-testid="sign-out" onClick={() => choose(false)}>
              Sign out
            </button>
          </li>
          <li role="none">
            <button type="button" role="menuitem" className="button button--quiet" data-testid="sign-out-everywhere" onClick={() => choose(true)}>
              Sign out everywhere
            </button>
          </li>
        </ul>
      )}
    </div>
  );
}
