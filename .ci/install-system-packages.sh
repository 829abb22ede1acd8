#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (idempotent, --no-install-recommends). Used by .ci/run
# and, on a fresh Debian machine as root, by `npm test` itself (build/scripts/ensure-setup.mjs).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

packages=(
  # test mail servers (tests/servers): IMAP/POP3, SMTP submission, DNS (the binary only, no system service)
  dovecot-imapd dovecot-pop3d exim4-daemon-heavy dnsmasq-base openssl
  # network isolation and firewall faults: unshare (util-linux), ip, iptables
  util-linux iproute2 iptables
  # keytar: built from source against libsecret; tested against a real Secret Service
  libsecret-1-dev pkg-config g++ make python3 gnome-keyring dbus
  # Playwright drives Debian's chromium (never `playwright install`)
  chromium
  # `npm run bench` (not part of npm test): the sysadmin's own check, side by side with Mail Doctor. swaks needs
  # Net::SSLeay for STARTTLS (only a Recommends of swaks, so named here under --no-install-recommends).
  curl swaks libnet-ssleay-perl
)

# Packages' maintainer scripts must not start system daemons (exim on :25, dovecot on :143...). Images that
# lack a policy-rc.d get a temporary one that denies every start, removed again afterwards.
temporary_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  temporary_policy=/usr/sbin/policy-rc.d
  printf '#!/bin/sh\nexit 101\n' > "$temporary_policy"
  chmod 755 "$temporary_policy"
  trap 'rm -f "$temporary_policy"' EXIT
fi

echo "[ci] apt-get install (idempotent): ${packages[*]}"
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" < /dev/null

