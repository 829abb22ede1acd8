#!/bin/bash
# Kandji (Iru) Custom Script, audit part: compliant (exit 0) when Mail Doctor's daily run is installed and
# its latest report is fresh; otherwise exit 1, and Kandji runs kandji-remediation.sh. The verdict is printed
# either way, so it shows in the Library item's status log. A Mac with a mail problem is compliant: the
# problem is reported, not "remediated" by running the diagnosis again and again.

helper="/Applications/Mail Doctor.app/Contents/Resources/mdm/maildoctor-fleet.sh"
if [ ! -f "$helper" ]; then
  echo "Mail Doctor is not installed"
  exit 1
fi
if [ ! -f "/Library/LaunchAgents/com.maildoctor.app.scheduled-diagnosis.plist" ]; then
  echo "Mail Doctor's scheduled run is not installed"
  exit 1
fi
code=$(/bin/bash "$helper" status)
echo "Mail Doctor verdict: $code"
case "$code" in
  NO_REPORT_YET | STALE_REPORT) exit 1 ;;
  *) exit 0 ;;
esac
