#!/bin/bash
# Mail Doctor's fleet helper, shipped inside the signed app at
#   /Applications/Mail Doctor.app/Contents/Resources/mdm/maildoctor-fleet.sh
# and called, as root, by the pkg's postinstall and the MDM scripts in build/mdm (Jamf, Kandji, Intune,
# Mosyle). One implementation for all of them; docs/it-deployment.md explains each command.
#
#   maildoctor-fleet.sh status            print one word: the verdict of the last scheduled run (see below)
#   maildoctor-fleet.sh install-agent     install or refresh the daily LaunchAgent, load it for the console user
#   maildoctor-fleet.sh run-now [--wait SECONDS]
#                                         start the scheduled run now for the console user (installing the agent
#                                         first if needed); with --wait, wait for its report, then print status
#
# status never runs a diagnosis: it reads the report the scheduled run cached and prints within a second
#   OK | a failure code (PASSWORDS_DIFFER, IP_BLOCKED_FIREWALL_DROP, FULL_DISK_ACCESS_NEEDED, NO_ACCOUNTS...)
#   NO_USER              nobody is logged in and no one has logged in before (or only the setup assistant)
#   NO_REPORT_YET        the scheduled run has not written a report for this user yet
#   STALE_REPORT         the last report is older than MAX_REPORT_AGE_HOURS: the schedule is not running
#   UNREADABLE_REPORT    the file is not a Mail Doctor report (or is a symbolic link)
#   UNKNOWN_REPORT_VERSION  a report format this helper does not know
# The user is the console user; at the login window (or in the setup assistant), the last user who
# logged in, so a Mac nobody is using right now keeps its last verdict.
#
# Written for the bash 3.2 that macOS ships. Commands by absolute path: MDM agents run scripts with
# whatever PATH they have.

APP="/Applications/Mail Doctor.app"
LABEL="com.maildoctor.app.scheduled-diagnosis"
AGENT_SOURCE="$APP/Contents/Resources/mdm/$LABEL.plist"
AGENT_PLIST="/Library/LaunchAgents/$LABEL.plist"
# The same path as cachedReportPath() in electron/appPaths.ts.
REPORT_IN_HOME="Library/Application Support/Mail Doctor/last-diagnosis.json"
REPORT_FORMAT="mail-doctor-support-report"
MAX_REPORT_AGE_HOURS=72

# The user whose report counts: the console user, else the last user who logged in. Never root, the
# login window or _mbsetupuser (the setup assistant's user). Prints nothing when there is none.
report_user() {
  local user
  user=$(echo "show State:/Users/ConsoleUser" | /usr/sbin/scutil | /usr/bin/awk '$1 == "Name" && $2 == ":" { print $3 }')
  if ! is_real_user "$user"; then
    user=$(/usr/bin/plutil -extract lastUserName raw -o - /Library/Preferences/com.apple.loginwindow.plist 2>/dev/null)
  fi
  if is_real_user "$user"; then echo "$user"; fi
}

# The console user only (a LaunchAgent can be loaded only into a logged-in user's session).
console_user() {
  local user
  user=$(echo "show State:/Users/ConsoleUser" | /usr/sbin/scutil | /usr/bin/awk '$1 == "Name" && $2 == ":" { print $3 }')
  if is_real_user "$user"; then echo "$user"; fi
}

is_real_user() {
  case "$1" in
    "" | root | loginwindow | _mbsetupuser) return 1 ;;
    *) return 0 ;;
  esac
}

user_home() {
  /usr/bin/dscl . -read "/Users/$1" NFSHomeDirectory 2>/dev/null | /usr/bin/sed -n 's/^NFSHomeDirectory: //p'
}

report_path() {
  local home
  home=$(user_home "$1")
  if [ -n "$home" ]; then echo "$home/$REPORT_IN_HOME"; fi
}

# A value from the report, or nothing. The file belongs to the user: read it as data only.
report_value() {
  /usr/bin/plutil -extract "$2" raw -o - "$1" 2>/dev/null
}

status() {
  local user report modified now code
  user=$(report_user)
  if [ -z "$user" ]; then echo "NO_USER"; return 0; fi
  report=$(report_path "$user")
  if [ -z "$report" ]; then echo "NO_USER"; return 0; fi
  if [ -L "$report" ]; then echo "UNREADABLE_REPORT"; return 0; fi
  if [ ! -f "$report" ]; then echo "NO_REPORT_YET"; return 0; fi
  if [ "$(report_value "$report" format)" != "$REPORT_FORMAT" ]; then echo "UNREADABLE_REPORT"; return 0; fi
  if [ "$(report_value "$report" formatVersion)" != "1" ]; then echo "UNKNOWN_REPORT_VERSION"; return 0; fi
  modified=$(/usr/bin/stat -f %m "$report")
  now=$(/bin/date +%s)
  if [ $(( (now - modified) / 3600 )) -ge "$MAX_REPORT_AGE_HOURS" ]; then echo "STALE_REPORT"; return 0; fi
  code=$(report_value "$report" summary.code)
  # The code goes into an inventory field: only a code's characters, bounded.
  case "$code" in
    "" | *[!A-Z0-9_]*) echo "UNREADABLE_REPORT" ;;
    *) echo "$code" | /usr/bin/cut -c1-64 ;;
  esac
  return 0
}

install_agent() {
  local user uid temporary
  if [ ! -f "$AGENT_SOURCE" ]; then
    echo "maildoctor-fleet: $AGENT_SOURCE is missing: reinstall Mail Doctor" >&2
    return 1
  fi
  /bin/mkdir -p /Library/LaunchAgents
  # Replaced atomically, owned by root and not writable by anyone else (launchd refuses it otherwise).
  temporary="$AGENT_PLIST.$$.tmp"
  /bin/cp "$AGENT_SOURCE" "$temporary" && /usr/sbin/chown 0:0 "$temporary" && /bin/chmod 644 "$temporary" && /bin/mv -f "$temporary" "$AGENT_PLIST" || {
    /bin/rm -f "$temporary"
    echo "maildoctor-fleet: could not write $AGENT_PLIST" >&2
    return 1
  }
  user=$(console_user)
  if [ -z "$user" ]; then
    echo "maildoctor-fleet: agent installed; it loads at the next login"
    return 0
  fi
  uid=$(/usr/bin/id -u "$user")
  # Reload, so an upgrade's new plist takes effect now; bootout fails harmlessly when it was not loaded.
  /bin/launchctl bootout "gui/$uid/$LABEL" > /dev/null 2>&1
  if /bin/launchctl bootstrap "gui/$uid" "$AGENT_PLIST"; then
    echo "maildoctor-fleet: agent installed and loaded for $user"
    return 0
  fi
  echo "maildoctor-fleet: agent installed; loading it for $user failed (it loads at the next login)" >&2
  return 0
}

run_now() {
  local wait_seconds user uid report before waited
  wait_seconds=0
  if [ "$1" = "--wait" ]; then
    case "$2" in
      "" | *[!0-9]*) echo "maildoctor-fleet: --wait takes a number of seconds" >&2; return 2 ;;
    esac
    wait_seconds=$2
  fi
  user=$(console_user)
  if [ -z "$user" ]; then echo "NO_USER"; return 0; fi
  uid=$(/usr/bin/id -u "$user")
  if [ ! -f "$AGENT_PLIST" ] || ! /bin/launchctl print "gui/$uid/$LABEL" > /dev/null 2>&1; then
    install_agent > /dev/null || return 1
  fi
  report=$(report_path "$user")
  # Every run has its own id: a new one in the file means this run's report has landed.
  before=$(report_value "$report" run.runId)
  # The run is launchd's job, so its time limit and its user are the agent's, not this script's.
  if ! /bin/launchctl kickstart "gui/$uid/$LABEL"; then
    echo "maildoctor-fleet: could not start the scheduled run for $user" >&2
    return 1
  fi
  waited=0
  while [ "$waited" -lt "$wait_seconds" ] && [ "$(report_value "$report" run.runId)" = "$before" ]; do
    /bin/sleep 1
    waited=$((waited + 1))
  done
  status
}

case "$1" in
  status) status ;;
  install-agent) install_agent ;;
  run-now) shift; run_now "$@" ;;
  *)
    echo "usage: maildoctor-fleet.sh status | install-agent | run-now [--wait SECONDS]" >&2
    exit 2
    ;;
esac
