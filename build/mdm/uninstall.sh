#!/bin/bash
# Removes Mail Doctor from this Mac: run as root (an MDM script, or sudo). Standalone on purpose: it works
# even when the app is already gone or damaged. docs/it-deployment.md lists what it removes and what not.
#
#   uninstall.sh [--keep-user-data]
#
# 1. stops the daily scheduled run in every logged-in user's session and removes the LaunchAgent;
# 2. quits every running Mail Doctor (TERM, then KILL after 10 seconds);
# 3. deletes /Applications/Mail Doctor.app;
# 4. unless --keep-user-data: deletes each user's Mail Doctor state in /Users/* (the login-budget ledger,
#    the cached report, logs, preferences, caches, saved window state);
# 5. forgets the package receipt (pkgutil --forget com.maildoctor.app).
# Not removed: the configuration profiles (remove them in your MDM), and an admin API token the user saved
# in the login keychain (service com.maildoctor.app; only the user can delete it: Keychain Access, or
# `security delete-generic-password -s com.maildoctor.app` run as that user).
# Exit code 0 when everything listed is gone, 1 when something could not be removed (said on stderr).

APP="/Applications/Mail Doctor.app"
LABEL="com.maildoctor.app.scheduled-diagnosis"
AGENT_PLIST="/Library/LaunchAgents/$LABEL.plist"
RECEIPT_ID="com.maildoctor.app"
PROCESS_NAME="Mail Doctor"
# Relative to each home; the first two are PRODUCT_NAME's folders (electron/appPaths.ts).
USER_DATA=(
  "Library/Application Support/Mail Doctor"
  "Library/Logs/Mail Doctor"
  "Library/Preferences/com.maildoctor.app.plist"
  "Library/Caches/com.maildoctor.app"
  "Library/Caches/Mail Doctor"
  "Library/HTTPStorages/com.maildoctor.app"
  "Library/Saved Application State/com.maildoctor.app.savedState"
)

keep_user_data=0
case "$1" in
  "") ;;
  --keep-user-data) keep_user_data=1 ;;
  *) echo "usage: uninstall.sh [--keep-user-data]" >&2; exit 2 ;;
esac
if [ "$(/usr/bin/id -u)" != "0" ]; then
  echo "uninstall.sh: run as root (sudo)" >&2
  exit 2
fi

failed=0
remove() {
  if [ -e "$1" ] || [ -L "$1" ]; then
    /bin/rm -rf "$1" && echo "removed $1" || { echo "could not remove $1" >&2; failed=1; }
  fi
}

# 1. The scheduled run, in every user session that has it loaded (bootout also ends a running job).
for home in /Users/*; do
  user=${home##*/}
  uid=$(/usr/bin/id -u "$user" 2>/dev/null) || continue
  if /bin/launchctl bootout "gui/$uid/$LABEL" > /dev/null 2>&1; then echo "stopped the scheduled run for $user"; fi
done
remove "$AGENT_PLIST"

# 2. Running instances.
if /usr/bin/pgrep -x "$PROCESS_NAME" > /dev/null; then
  /usr/bin/pkill -TERM -x "$PROCESS_NAME"
  waited=0
  while /usr/bin/pgrep -x "$PROCESS_NAME" > /dev/null && [ "$waited" -lt 10 ]; do
    /bin/sleep 1
    waited=$((waited + 1))
  done
  /usr/bin/pkill -KILL -x "$PROCESS_NAME"
  echo "quit the running Mail Doctor"
fi

# 3. The app.
remove "$APP"

# 4. Per-user state.
if [ "$keep_user_data" -eq 0 ]; then
  for home in /Users/*; do
    [ -d "$home/Library" ] || continue
    for item in "${USER_DATA[@]}"; do remove "$home/$item"; done
  done
fi

# 5. The receipt, so MDM inventory and `pkgutil --pkgs` stop listing Mail Doctor.
if /usr/sbin/pkgutil --forget "$RECEIPT_ID" > /dev/null 2>&1; then echo "forgot the package receipt $RECEIPT_ID"; fi

exit "$failed"
