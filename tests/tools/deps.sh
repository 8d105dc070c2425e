#!/bin/sh
# Installs the named Debian packages that are missing: one apt-get update,
# one apt-get install, nothing at all (and no output) when all are present.
missing=
for p in "$@"; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	[ "$s" = "install ok installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null 2>&1 || {
		echo "make deps: missing packages:$missing (run as root to install them)" >&2
		exit 1
	}
	SUDO=sudo
fi
echo "make deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || exit 1
# Services the packages bring (kamailio, ssh, dnsmasq, coturn) are started
# by the tests themselves, on loopback; keep apt from starting them.
policy=/usr/sbin/policy-rc.d
added=
if [ ! -e $policy ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee $policy >/dev/null && $SUDO chmod +x $policy && added=1
fi
$SUDO apt-get install -y -qq $missing
rc=$?
[ -n "$added" ] && $SUDO rm -f $policy
exit $rc
