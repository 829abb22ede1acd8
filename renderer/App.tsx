/**
 * The window. All of it lives in components/AppWindow.tsx; this file stays the entry main.tsx renders.
 */
import type { MailDoctorApi } from '../shared/ipc/contract';
import { AppWindow } from './components/AppWindow';

export function App({ bridge }: { readonly bridge: MailDoctorApi }) {
  return <AppWindow bridge={bridge} />;
}
