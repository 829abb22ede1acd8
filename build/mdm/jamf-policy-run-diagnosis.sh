#!/bin/bash
# Jamf Pro policy script: run Mail Doctor's diagnosis now, for the console user, and wait for its report.
#
# Use it in a policy (Recurring Check-in, Once every day, or Self Service), with "Update Inventory" ticked
# so the extension attribute reports the fresh verdict. It installs the daily LaunchAgent if the Mac does not
# have it yet (a Mac where Mail Doctor came from the dmg) and starts that job now: the diagnosis runs as the
# user, as launchd's job, with the agent's own time limit (300 s) enforced inside Mail Doctor's process.
# Parameter 4: seconds to wait for the report (default 330; 0 = start it and return at once).

helper="/Applications/Mail Doctor.app/Contents/Resources/mdm/maildoctor-fleet.sh"
wait_seconds="${4:-330}"
if [ ! -f "$helper" ]; then
  echo "Mail Doctor is not installed"
  exit 1
fi
echo "Mail Doctor verdict: $(/bin/bash "$helper" run-now --wait "$wait_seconds")"
exit 0
