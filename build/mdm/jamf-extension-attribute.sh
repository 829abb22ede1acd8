#!/bin/bash
# Jamf Pro extension attribute: Mail Doctor's verdict for this Mac, from the daily scheduled run.
#
# Prints <result>CODE</result> within a second and never runs a diagnosis (Jamf runs every extension
# attribute at every inventory): it reads the report the scheduled run cached for the console user (or,
# at the login window, the last user), through the helper the signed app ships. CODE is OK, the first
# account verdict that is not OK (PASSWORDS_DIFFER, IP_BLOCKED_FIREWALL_DROP...; docs/failure-codes.md),
# FULL_DISK_ACCESS_NEEDED, NO_ACCOUNTS, or one of NOT_INSTALLED, NO_USER, NO_REPORT_YET, STALE_REPORT
# (no report for 72 hours: the schedule is not running), UNREADABLE_REPORT, UNKNOWN_REPORT_VERSION.
#
# Data type: String. Input type: Script. Smart group: "Mail Doctor verdict" is not "OK".
# The report itself: ~/Library/Application Support/Mail Doctor/last-diagnosis.json (docs/it-deployment.md).

helper="/Applications/Mail Doctor.app/Contents/Resources/mdm/maildoctor-fleet.sh"
if [ ! -f "$helper" ]; then
  echo "<result>NOT_INSTALLED</result>"
  exit 0
fi
code=$(/bin/bash "$helper" status)
echo "<result>${code:-UNREADABLE_REPORT}</result>"
exit 0
