#!/bin/bash
# Microsoft Intune shell script (Devices > macOS > Shell scripts; run as root, "Run script as signed-in
# user: No"): runs Mail Doctor's diagnosis now for the console user and leaves the full JSON report at the
# known path below, where it stays until the next run (log collection, a custom attribute, support).
#
#   /Users/<user>/Library/Application Support/Mail Doctor/last-diagnosis.json
#
# The script's output (shown in Intune when output collection is on) is the verdict and that path.
# For a per-device field, add intune-custom-attribute.sh as a macOS custom attribute (type String).

helper="/Applications/Mail Doctor.app/Contents/Resources/mdm/maildoctor-fleet.sh"
if [ ! -f "$helper" ]; then
  echo "Mail Doctor is not installed"
  exit 1
fi
code=$(/bin/bash "$helper" run-now --wait 330)
user=$(echo "show State:/Users/ConsoleUser" | /usr/sbin/scutil | /usr/bin/awk '$1 == "Name" && $2 == ":" { print $3 }')
home=$(/usr/bin/dscl . -read "/Users/$user" NFSHomeDirectory 2>/dev/null | /usr/bin/sed -n 's/^NFSHomeDirectory: //p')
echo "Mail Doctor verdict: $code"
if [ -n "$home" ]; then echo "Report: $home/Library/Application Support/Mail Doctor/last-diagnosis.json"; fi
exit 0
