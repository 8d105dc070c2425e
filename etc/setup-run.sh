#!/bin/sh
# Prepares the working state 'make run' starts the shell on: DIR/sipsh.conf
# (the default configuration, made once and then kept, mode 0600) and the
# runtime directory DIR/var for the phone's sockets and generated files.
set -e
dir=${1:-run}
here=$(dirname "$0")
mkdir -p "$dir/var"
chmod 0700 "$dir"
if [ ! -e "$dir/sipsh.conf" ]; then
	umask 077
	cp "$here/sipsh.conf" "$dir/sipsh.conf"
	echo "sipsh: created $dir/sipsh.conf from the default configuration"
fi
