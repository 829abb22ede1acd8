/**
 * The window. All of it lives in components/AppWindow.tsx; this file stays the entry main.tsx renders.
 */
import type { MailDoctorApi } from '../shared/ipc/contract';
import { AppWindow } from './components/AppWindow';
import type { FirstAnswers } from './components/AppWindow';

export function App({ bridge, firstAnswers }: { readonly bridge: MailDoctorApi; readonly firstAnswers?: FirstAnswers }) {
  return <AppWindow bridge={bridge} {...(firstAnswers === undefined ? {} : { firstAnswers })} />;
}
