/**
 * HOOK FOR THE ADMIN TOOLS (a later issue fills it). IT departments can switch the admin tools off
 * (managed preference AdminToolsEnabled); the window shows nothing at all unless they are enabled.
 * The IPC contract does not tell the window yet whether they are: until it does, App passes false.
 */
export function AdminToolsSlot({ enabled }: { readonly enabled: boolean }) {
  if (!enabled) return null;
  return (
    <section className="panel" aria-labelledby="admin-tools-heading">
      <h2 id="admin-tools-heading">Admin tools</h2>
    </section>
  );
}
