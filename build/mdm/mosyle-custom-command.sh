#!/bin/bash
# Mosyle Custom Command (runs as root; schedule it daily or run it on demand): installs Mail Doctor's daily
# LaunchAgent if needed, runs the diagnosis now for the console user, and prints the verdict, which Mosyle
# keeps in the command's output. The full report stays in the user's
# ~/Library/Application Support/Mail Doctor/last-diagnosis.json.

helper="/Applications/Mail Doctor.app/Contents/Resources/mdm/maildoctor-fleet.sh"
if [ ! -f "$helper" ]; then
  echo "Mail Doctor is not installed"
  exit 1
fi
echo "Mail Doctor verdict: $(/bin/bash "$helper" run-now --wait 330)"
exit 0
