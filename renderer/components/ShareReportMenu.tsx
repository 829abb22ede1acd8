/**
 * The toolbar's "Share Report" menu: copy the support report, save it (main's save dialog picks the file),
 * or contact support (only when the organisation's managed preferences name a contact), with one checked
 * item that hides the person's email address in all three (checked and dimmed, saying why, when IT's managed
 * preference MaskIdentities decides it: main masks those reports whatever the request says). A menu button in the WAI-ARIA pattern: arrows
 * move between items, Enter or Space chooses, Escape closes and gives focus back to the button.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { MailDoctorApi } from '../../shared/ipc/contract';
import { REPORT_MENU_LABELS } from './presentation';

export type ReportBridge = Pick<MailDoctorApi, 'copyReport' | 'saveReport' | 'contactSupport'>;

export interface ShareReportMenuProps {
  readonly bridge: ReportBridge;
  /** The finished run whose report is shared; null disables the menu. */
  readonly runId: string | null;
  readonly supportConfigured: boolean;
  /** IT's MaskIdentities is on: every report is masked, so the choice is shown made and cannot be undone here. */
  readonly identitiesMasked: boolean;
  /** What happened (copied, saved, could not...), for the window to say. */
  readonly onMessage: (message: string | null) => void;
}

type Delivery = 'copy' | 'save' | 'contact';

export function ShareReportMenu({ bridge, runId, supportConfigured, identitiesMasked, onMessage }: ShareReportMenuProps) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [maskChosen, setMaskChosen] = useState(false);
  const maskIdentities = maskChosen || identitiesMasked;
  const [pending, setPending] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLUListElement>(null);

  const items = (): HTMLElement[] => [...(menuRef.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? [])];

  useEffect(() => {
    if (!open) return;
    items()[0]?.focus();
    const closeOnOutsideClick = (event: MouseEvent): void => {
      const target = event.target;
      if (target instanceof Node && !menuRef.current?.contains(target) && !buttonRef.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('mousedown', closeOnOutsideClick);
    return () => document.removeEventListener('mousedown', closeOnOutsideClick);
  }, [open]);

  const close = (): void => {
    setOpen(false);
    buttonRef.current?.focus();
  };

  const deliver = async (delivery: Delivery): Promise<void> => {
    if (runId === null) return;
    close();
    setPending(true);
    onMessage(null);
    const request = { runId, maskIdentities };
    try {
      switch (delivery) {
        case 'copy': {
          const outcome = await bridge.copyReport(request);
          onMessage(outcome.ok ? REPORT_MENU_LABELS.copied : outcome.error.message);
          break;
        }
        case 'save': {
          const outcome = await bridge.saveReport(request);
          if (!outcome.ok) onMessage(outcome.error.message);
          // A cancelled dialog needs no words.
          else if (outcome.value.saved && outcome.value.path !== undefined) onMessage(REPORT_MENU_LABELS.saved(outcome.value.path));
          break;
        }
        case 'contact': {
          const outcome = await bridge.contactSupport(request);
          onMessage(outcome.ok ? REPORT_MENU_LABELS.contacted : outcome.error.message);
          break;
        }
      }
    } finally {
      setPending(false);
    }
  };

  const onMenuKey = (event: KeyboardEvent<HTMLUListElement>): void => {
    const all = items();
    const at = all.findIndex((item) => item === document.activeElement);
    const focusAt = (index: number): void => all[(index + all.length) % all.length]?.focus();
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        focusAt(at + 1);
        break;
      case 'ArrowUp':
        event.preventDefault();
        focusAt(at - 1);
        break;
      case 'Home':
        event.preventDefault();
        focusAt(0);
        break;
      case 'End':
        event.preventDefault();
        focusAt(all.length - 1);
        break;
      case 'Escape':
        event.preventDefault();
        close();
        break;
      case 'Tab':
        setOpen(false);
        break;
      case 'Enter':
      case ' ':
        event.preventDefault();
        all[at]?.click();
        break;
      default:
        break;
    }
  };

  const item = (delivery: Delivery, label: string) => (
    <li role="menuitem" tabIndex={-1} className="menu-item" onClick={() => void deliver(delivery)}>
      {label}
    </li>
  );

  return (
    <div className="menu-anchor">
      <button
        ref={buttonRef}
        type="button"
        id={`${id}-button`}
        className="toolbar-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? `${id}-menu` : undefined}
        disabled={runId === null || pending}
        title={runId === null ? REPORT_MENU_LABELS.unavailable : undefined}
        onClick={() => setOpen((isOpen) => !isOpen)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' && !open) {
            event.preventDefault();
            setOpen(true);
          }
        }}
      >
        <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">
          <path d="M7 1.5v7.5M4.2 4.2L7 1.5l2.8 2.7M3 6.5H2.2v6h9.6v-6H11" fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        {REPORT_MENU_LABELS.button}
      </button>
      {open && (
        <ul ref={menuRef} id={`${id}-menu`} role="menu" aria-labelledby={`${id}-button`} className="menu" onKeyDown={onMenuKey}>
          {item('copy', REPORT_MENU_LABELS.copy)}
          {item('save', REPORT_MENU_LABELS.save)}
          {supportConfigured && item('contact', REPORT_MENU_LABELS.contactSupport)}
          <li role="separator" className="menu-separator" />
          <li
            role="menuitemcheckbox"
            aria-checked={maskIdentities}
            aria-disabled={identitiesMasked || undefined}
            aria-describedby={identitiesMasked ? `${id}-masked-by-it` : undefined}
            tabIndex={-1}
            className="menu-item menu-item-check"
            onClick={() => {
              if (!identitiesMasked) setMaskChosen((mask) => !mask);
            }}
          >
            <span className="menu-check" aria-hidden="true">
              {maskIdentities ? '✓' : ''}
            </span>
            {REPORT_MENU_LABELS.maskIdentities}
            {identitiesMasked && (
              // Read as the item's description (aria-describedby), not as part of its name.
              <span id={`${id}-masked-by-it`} className="menu-item-note" aria-hidden="true">
                {REPORT_MENU_LABELS.maskedByIt}
              </span>
            )}
          </li>
        </ul>
      )}
    </div>
  );
}
