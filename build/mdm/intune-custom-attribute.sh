#!/bin/bash
# Microsoft Intune custom attribute for macOS (data type String): Mail Doctor's verdict from the last daily
# run, read from its cached report; never runs a diagnosis. Same values as the Jamf extension attribute.

helper="/Applications/Mail Doctor.app/Contents/Resources/mdm/maildoctor-fleet.sh"
if [ ! -f "$helper" ]; then
  echo "NOT_INSTALLED"
  exit 0
fi
code=$(/bin/bash "$helper" status)
echo "${code:-UNREADABLE_REPORT}"
exit 0
