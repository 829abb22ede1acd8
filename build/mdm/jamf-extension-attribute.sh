#!/bin/bash
# Jamf Pro extension attribute: Mail Doctor's verdict for the logged-in user's Mail accounts.
#
# Prints <result>CODE</result> where CODE is the first account verdict that is not OK (e.g.
# PASSWORDS_DIFFER, IP_BLOCKED_FIREWALL_DROP), OK when every account is fine, or one of:
#   NOT_INSTALLED        Mail Doctor is not in /Applications
#   NO_CONSOLE_USER      nobody is logged in (Mail's settings belong to a user)
#   FULL_DISK_ACCESS_NEEDED  the PPPC profile is missing or does not match the signed app
#   NO_ACCOUNTS          the user has no Mail account
#   ERROR_<exit code>    the diagnosis could not run (2 = usage or permissions)
#
# Why it is run this way:
# - Jamf runs extension attributes as root; Mail's settings are in the user's Library, so the diagnosis
#   runs as the console user (launchctl asuser + sudo -u).
# - macOS attributes file access to the "responsible" app. Started from this script, the binary would be
#   attributed to the Jamf agent; started with `open`, Mail Doctor is its own responsible app and the PPPC
#   profile's Full Disk Access grant for com.maildoctor.app applies.
# - --no-login: inventory must never spend a login attempt against the mail server (brute-force
#   protection counts them). --mask-identities: addresses are not needed in inventory.
#
# Data type in Jamf: String. Input type: Script.

APP="/Applications/Mail Doctor.app"
TIMEOUT_SECONDS=120

if [ ! -d "$APP" ]; then
  echo "<result>NOT_INSTALLED</result>"
  exit 0
fi

console_user=$(/usr/bin/stat -f %Su /dev/console)
if [ -z "$console_user" ] || [ "$console_user" = "root" ] || [ "$console_user" = "loginwindow" ]; then
  echo "<result>NO_CONSOLE_USER</result>"
  exit 0
fi
console_uid=$(/usr/bin/id -u "$console_user")

work_dir=$(/usr/bin/mktemp -d /tmp/maildoctor-ea.XXXXXX)
/usr/sbin/chown "$console_user" "$work_dir"
json_file="$work_dir/diagnosis.json"
trap '/bin/rm -rf "$work_dir"' EXIT

# -W waits for the app to quit, -n starts a fresh instance, -g keeps it in the background.
/bin/launchctl asuser "$console_uid" /usr/bin/sudo -u "$console_user" \
  /usr/bin/open -W -n -g --stdout "$json_file" --stderr /dev/null -a "$APP" \
  --args --cli diagnose --json --no-login --no-keychain --mask-identities &
open_pid=$!
( /bin/sleep "$TIMEOUT_SECONDS" && /bin/kill "$open_pid" 2>/dev/null ) &
watchdog_pid=$!
wait "$open_pid"
exit_code=$?
/bin/kill "$watchdog_pid" 2>/dev/null

if [ ! -s "$json_file" ]; then
  echo "<result>ERROR_${exit_code}</result>"
  exit 0
fi

# JSON is parsed with JavaScript for Automation (present on every macOS), never with text tools.
code=$(/usr/bin/osascript -l JavaScript - "$json_file" <<'JXA'
function run(argv) {
  const text = $.NSString.stringWithContentsOfFileEncodingError(argv[0], $.NSUTF8StringEncoding, null);
  if (text.isNil()) return 'ERROR_UNREADABLE';
  let report;
  try { report = JSON.parse(text.js); } catch (e) { return 'ERROR_NOT_JSON'; }
  const problems = Array.isArray(report.discoveryProblems) ? report.discoveryProblems : [];
  const accounts = Array.isArray(report.accounts) ? report.accounts : [];
  if (problems.some((p) => p && p.kind === 'full-disk-access-needed')) return 'FULL_DISK_ACCESS_NEEDED';
  if (accounts.length === 0) return 'NO_ACCOUNTS';
  const codes = accounts.map((a) => (a && a.verdict && typeof a.verdict.code === 'string' ? a.verdict.code : 'UNKNOWN'));
  return codes.find((c) => c !== 'OK') || 'OK';
}
JXA
)

echo "<result>${code:-ERROR_${exit_code}}</result>"
exit 0
