#!/usr/bin/env bash
# The setup menu, sipsh-menu, driven through tmux (send-keys, capture-pane)
# against the real binary: every kind of field changed, saved and applied
# (the file, 'show running-config' and the running phone agree), refusals
# at the field, Esc Esc asking, a CA pasted and a garbage paste refused, a
# commit refused because another session committed first, golden screens
# of each page at 80x24, the terminals it must work on, a terminal too
# small, resizes, and the terminal restored after Ctrl-C and a hangup.
. "$(dirname "$0")/lib.sh"

MENU=$TOP/build/sipsh-menu
RTP=$((10000 + $$ % 500 * 20))  # five digits: the golden screens
SP=$((22000 + $$ % 1000 * 2))
GOLD=$TOP/tests/golden/menu
C=$SIPSH_CONF
SOCK=sipsh-menu-$$
TM() { tmux -L "$SOCK" -f /dev/null "$@"; }
S() { "$SIPSH" -C "$C" "$@"; }
# No tmux server of this test left: the next session starts a new one.
tm_gone() { ! tmux -L "$SOCK" -f /dev/null list-sessions >/dev/null 2>&1; }
tm_reset() { TM kill-server 2>/dev/null; wait_for 5 tm_gone; }

trap 'TM kill-server 2>/dev/null; phone_down; cleanup' EXIT

# The screen as text, the test's directory written as $T.
# The ports differ from run to run: they are shown as words.
screen() {
	TM capture-pane -p -t m 2>/dev/null | sed -e "s|$T|\$T|g" \
		-e "s/$RTP-$((RTP + 19))/RTP-RANGE  /" -e "s/\b$SP\b/SIPPT/"
}
on_screen() { screen | grep -qF -- "$1"; }
wait_screen() { wait_for "${2:-5}" on_screen "$1"; }
keys() { TM send-keys -t m "$@"; }
typed() { TM send-keys -t m -l -- "$1"; }

# menu [TERM [ENV...]]: the menu in a new 80x24 tmux session; its exit
# status goes to $T/menu.rc when it ends.
menu() {
	local term=${1:-xterm}
	shift
	rm -f "$T/menu.rc"
	tm_reset
	TM new-session -d -s m -x 80 -y 24 \
		"env TERM=$term $* '$MENU' -C '$C' 2>'$T/menu.err'; echo \$? >'$T/menu.rc'"
	TM set-option -t m window-size manual >/dev/null 2>&1
	p=$(TM display-message -p -t m '#{pid}' 2>/dev/null)
	[ -n "$p" ] && TEST_PIDS+=("$p")
	wait_screen "sipsh setup: pages"
}
menu_rc() { wait_for 5 test -s "$T/menu.rc" && cat "$T/menu.rc"; }

# golden NAME: the screen, once settled, against tests/golden/menu/NAME.
# With UPDATE_GOLDEN=1 the screen is written as the new golden file.
golden() {
	local want=$GOLD/$1.screen
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		sleep 0.5
		mkdir -p "$GOLD"
		screen >"$want"
	fi
	wait_for 5 screen_is "$want"
	screen >"$T/screen"
	same "golden screen: $1" "$want" "$T/screen"
}

screen_is() { screen | cmp -s - "$1"; }
# A window with only OK (warnings) closed, if one is open.
dismiss() {
	wait_for 2 on_screen "< OK >" || return 0
	keys Enter
	wait_for 5 sh -c "! tmux -L '$SOCK' -f /dev/null capture-pane -p -t m | grep -qF '< OK >'"
}

# Back to the page list from a page (from an account's form, two steps).
to_list() {
	local i
	for i in 1 2 3; do
		keys Escape Escape
		wait_for 2 on_screen "sipsh setup: pages" && return 0
	done
	return 1
}
# The page list's Nth entry (0: Advanced SIP) opened.
open_page() {
	local i
	keys Up Up Up Up Up Up Up
	for i in $(seq 1 "$1"); do keys Down; done
	keys Enter
}

cat >"$C" <<EOF
sip
 bind-interface lo
 bind-port $SP
 rtp-port-range $RTP-$((RTP + 19))
!
account 1
 user 100
 registrar 127.0.0.1
 no register
!
line 0
 name "Line 0"
 account 1
!
EOF
chmod 600 "$C"
check "the starting configuration is valid" S -n -c 'show running-config'

# --- it says when it cannot run -------------------------------------------
if "$MENU" -C "$C" </dev/null >/dev/null 2>"$T/err"; then
	fail "without a terminal it exits non-zero" "exit 0"
else
	check "without a terminal it exits non-zero and says why" \
		grep -q "must be a terminal" "$T/err"
fi
printf 'sip\n bind-port 99999\n' >"$T/bad.conf"
"$MENU" -C "$T/bad.conf" >/dev/null 2>"$T/err"
rc=$?
if [ "$rc" = 4 ] && grep -q "bad.conf:2:" "$T/err"; then
	pass "a file that does not parse: status 4, the line named"
else
	fail "a file that does not parse: status 4, the line named" \
		"rc=$rc: $(cat "$T/err")"
fi
if S -c setup </dev/null >"$T/out" 2>&1; then
	fail "the shell's setup without a terminal is refused" "exit 0"
else
	check "the shell's setup without a terminal is refused" \
		grep -q "setup needs a terminal" "$T/out"
fi
tm_reset
TM new-session -d -s m -x 60 -y 20 \
	"env TERM=xterm '$MENU' -C '$C' 2>'$T/small.err'; echo \$? >'$T/menu.rc'"
rc=$(menu_rc)
if [ "$rc" = 1 ] && grep -q "is 60x20; it must be at least 80x24" "$T/small.err"; then
	pass "a 60x20 terminal gets the size it needs and status 1"
else
	fail "a 60x20 terminal gets the size it needs and status 1" \
		"rc=$rc: $(cat "$T/small.err")"
fi
tm_reset

# --- golden screens of each page ------------------------------------------
menu
golden pages
open_page 0
wait_screen "Advanced SIP (1/2)"
golden advanced-sip-1
keys PageDown
golden advanced-sip-2
to_list
open_page 1
wait_screen "account 1"
golden accounts
keys Enter
golden account-1
to_list
open_page 2
golden lines
to_list
open_page 3
golden trusted-ca
to_list
open_page 4
golden phone-lines-all
to_list
open_page 5
golden system
to_list
open_page 6
golden status-stopped
to_list
keys '?'
golden keys-help
keys Enter
keys Escape Escape
rc=$(menu_rc)
check "Esc Esc without changes leaves at once, status 0" test "$rc" = 0

# --- every kind of field, Save, Apply, with the phone running -------------
check "phone start" S -c 'phone start'
p=$(cat "$SIPSH_RUNDIR/runsv.pid" 2>/dev/null)
[ -n "$p" ] && TEST_PIDS+=("$p")
NP=$((SP + 10))

menu
open_page 0
wait_screen "Advanced SIP (1/2)"
# A number: letters are not taken, a value out of range is refused at the
# field with the core's message.
keys Down Down Enter C-u
typed "7x0a000"
keys Enter
if wait_screen "Bindport: '70000' is out of range <1-65534>" &&
	screen | grep -q "^>Bindport *70000 *! refused"; then
	pass "number field: digits only; out of range refused at the field"
else
	fail "number field: digits only; out of range refused at the field" "$(screen)"
fi
keys F2
if wait_screen "correct it first" && on_screen "Bindport: '70000' is out of range"; then
	pass "Save is refused while a field holds a refused value"
else
	fail "Save is refused while a field holds a refused value" "$(screen)"
fi
golden refused-save
keys Enter
keys Enter C-u
typed "$NP"
keys Enter
wait_screen "Bindport                       $NP"
# Text: the User-Agent, which reaches the wire.
keys Down Enter
typed "MenuUA/1"
keys Enter
wait_screen "User Agent                     MenuUA/1"
# A choice list with each value's meaning.
keys Down Down Enter
if wait_screen "sip-info      SIP INFO requests"; then
	pass "an enumeration is a choice list with each value's meaning"
else
	fail "an enumeration is a choice list with each value's meaning" "$(screen)"
fi
keys Down Enter
wait_screen "DTMF Mode                      sip-info"
# A list, item by item.
keys Down Down Down Enter
wait_screen "<Add>"
keys a
wait_screen "A network inside the NAT"
typed "10.99.0.0/16"
keys Enter
wait_screen "> 10.99.0.0/16"
keys a
typed "not/a/prefix"
keys Enter
if wait_screen "Refused:"; then
	pass "a list item is refused with the core's message"
else
	fail "a list item is refused with the core's message" "$(screen)"
fi
keys Escape Escape
wait_for 5 sh -c "! tmux -L '$SOCK' -f /dev/null capture-pane -p -t m | grep -q Refused:"
keys Escape Escape
wait_screen "(4, Enter: edit)"
# A check box.
keys Down Down Down Down Down Down Down Space
wait_screen "DNS Manager                    [x]"
to_list
# A secret, hidden and never drawn; a reference chosen from the accounts.
open_page 1
wait_screen "account 1"
keys Enter
wait_screen "SIP user                       100"
keys Down Down Enter
wait_screen "New value (not shown"
typed "Sekrit-42"
if on_screen "Sekrit-42"; then
	fail "a password is never drawn" "$(screen)"
else
	pass "a password is never drawn"
fi
keys Enter
wait_screen "Password                       ********"
to_list
open_page 1
keys n
wait_screen "account 2"
keys Enter
typed "200"
keys Enter Down Down Down Enter
typed "127.0.0.1"
keys Enter
wait_screen "Domain / registrar             127.0.0.1"
keys Down Down Down Space
to_list
open_page 2
wait_screen "line 0"
keys Enter
keys Down Enter
if wait_screen "2 account 2 200@127.0.0.1"; then
	pass "a line's account is chosen from the accounts that exist"
else
	fail "a line's account is chosen from the accounts that exist" "$(screen)"
fi
keys Down Enter
wait_screen "Account                        2"
to_list
keys F2
# localnet changed with no STUN server: the check's warning is listed.
if wait_screen "Saved, with warnings" &&
	on_screen "localnet has no effect without a stun-server"; then
	pass "Save lists the whole configuration's warnings"
else
	fail "Save lists the whole configuration's warnings" "$(screen)"
fi
dismiss
if wait_screen "Saved: Configuration is valid"; then
	pass "Save checks the whole configuration"
else
	fail "Save checks the whole configuration" "$(screen)"
fi
keys F3
if wait_screen "Committed" 10; then
	pass "Apply commits: $(screen | grep -o 'Committed[^x]*' | head -1)"
else
	fail "Apply commits" "$(screen)"
fi
dismiss
S -c 'show running-config' >"$T/run.txt" 2>&1
missing=
for want in " bind-port $NP" " user-agent MenuUA/1" " dtmf-mode sip-info" \
	" localnet 10.99.0.0/16" " dns-manager" " password ********" \
	"account 2" " user 200" " account 2"; do
	grep -qxF -- "$want" "$T/run.txt" || missing="$missing [$want]"
done
if [ -z "$missing" ]; then
	pass "show running-config has every value the menu set"
else
	fail "show running-config has every value the menu set" \
		"missing:$missing
$(cat "$T/run.txt")"
fi
check "the file holds the password the menu set" grep -qxF " password Sekrit-42" "$C"
check "the file and show running-config agree (but for the secret)" \
	sh -c "sed 's/^ password .*/ password ********/' '$C' | cmp -s - '$T/run.txt'"
if wait_for 10 grep -q "sip_listen.*:$NP" "$SIPSH_RUNDIR/baresip/config" &&
	grep -q "MenuUA/1" "$SIPSH_RUNDIR/baresip/config" &&
	wait_for 10 sh -c "ss -lun | grep -q ':$NP '"; then
	pass "the running phone took the change: it listens on $NP, User-Agent MenuUA/1"
else
	fail "the running phone took the change" \
		"$(grep -E 'sip_listen|user_agent' "$SIPSH_RUNDIR/baresip/config" 2>&1)"
fi

# --- Status, live from the phone ------------------------------------------
open_page 6
if wait_screen "Phone: running" 10 && wait_screen "sip:100@127.0.0.1"; then
	pass "Status shows the running phone's accounts"
else
	fail "Status shows the running phone's accounts" "$(screen)"
fi
to_list

# --- help and search ------------------------------------------------------
keys /
wait_screen "Search the labels for:"
typed "congestion"
keys Enter
if wait_screen ">Congestion tone" && on_screen "Tone played when a call cannot be completed"; then
	pass "/ finds a label and jumps to its field"
else
	fail "/ finds a label and jumps to its field" "$(screen)"
fi
keys '?'
if wait_screen "Type:     enum" && on_screen "Default:  congestion" &&
	on_screen "Effect:   on Apply"; then
	pass "? shows the field's help, type, default and effect"
else
	fail "? shows the field's help, type, default and effect" "$(screen)"
fi
keys Enter

# --- Esc Esc with changes asks ---------------------------------------------
cp "$C" "$T/before"
keys Up Up Up Up Up Space
wait_screen "[changed]"
keys Escape Escape
wait_screen "sipsh setup: pages"
keys Escape Escape
if wait_screen "There are changes that were not applied"; then
	pass "Esc Esc with changes asks"
else
	fail "Esc Esc with changes asks" "$(screen)"
fi
golden unsaved-ask
keys d
rc=$(menu_rc)
if [ "$rc" = 0 ] && cmp -s "$C" "$T/before"; then
	pass "Discard leaves with status 0, the file untouched"
else
	fail "Discard leaves with status 0, the file untouched" "rc=$rc"
fi

# --- Trusted CA: paste, refusals, shown -----------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/ca.key" \
	-out "$T/ca.pem" -days 3650 -subj "/CN=Menu Test CA/O=sipsh" \
	-addext basicConstraints=critical,CA:TRUE >/dev/null 2>&1
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/leaf.key" \
	-out "$T/leaf.pem" -days 3650 -subj "/CN=leaf.example" \
	-addext basicConstraints=critical,CA:FALSE >/dev/null 2>&1
fp=$(openssl x509 -in "$T/ca.pem" -noout -fingerprint -sha256 | cut -d= -f2)

menu
open_page 3
wait_screen "0 trusted CA certificates"
keys n
wait_screen "Paste the certificate"
typed "this is not a certificate"
keys F2
if wait_screen "Refused: line 1: not part of a PEM block"; then
	pass "a garbage paste is refused with the reason, at the field"
else
	fail "a garbage paste is refused with the reason, at the field" "$(screen)"
fi
keys Escape
keys n
wait_screen "Paste the certificate"
typed "$(cat "$T/leaf.pem")"
keys F2
if wait_screen "is not a CA certificate"; then
	pass "a certificate that is not a CA is refused"
else
	fail "a certificate that is not a CA is refused" "$(screen)"
fi
keys Escape
keys n
wait_screen "Paste the certificate"
typed "$(cat "$T/ca.pem")"
keys F2
if wait_screen "Subject:  CN=Menu Test CA, O=sipsh" &&
	on_screen "SHA-256:  ${fp:0:48}" && on_screen "${fp:48}" &&
	on_screen "Expires:  20"; then
	pass "a pasted CA is shown with subject, expiry and fingerprint"
else
	fail "a pasted CA is shown with subject, expiry and fingerprint" "$(screen)"
fi
keys F3
wait_screen "Committed" 10
dismiss
if S -c 'show running-config' | grep -q "^ trusted-ca" &&
	grep -q "BEGIN CERTIFICATE" "$C"; then
	pass "Apply saves the pasted CA"
else
	fail "Apply saves the pasted CA" "$(grep -c CERT "$C")"
fi

# --- a commit refused because another session committed first -------------
to_list
open_page 5
wait_screen "Host name"
keys Enter C-u
typed "menuhost"
keys Enter
wait_screen "Host name                      menuhost"
S -c 'system' -c 'hostname othershell' >/dev/null 2>&1
keys F3
if wait_screen "another session since it was read" 10; then
	pass "Apply is refused when another session committed first"
else
	fail "Apply is refused when another session committed first" "$(screen)"
fi
keys Enter
check "the other session's commit is kept" grep -qxF " hostname othershell" "$C"
to_list
keys Escape Escape
wait_screen "There are changes"
keys d
menu_rc >/dev/null

# --- a commit refused because another session holds it exclusively -------
menu
TM new-window -d -t m -n excl "env TERM=xterm '$SIPSH' -C '$C'"
p=$(TM display-message -p -t m:excl '#{pane_pid}' 2>/dev/null)
[ -n "$p" ] && TEST_PIDS+=("$p")
wait_for 5 sh -c "tmux -L '$SOCK' -f /dev/null capture-pane -p -t m:excl | grep -q '>'"
TM send-keys -t m:excl -l "configure exclusive"
TM send-keys -t m:excl Enter
wait_for 5 sh -c "tmux -L '$SOCK' -f /dev/null capture-pane -p -t m:excl | grep -q '(config)#'"
open_page 5
wait_screen "Host name"
keys Down Enter C-u
typed "900"
keys Enter
wait_screen "Idle timeout                   900"
keys F3
if wait_screen "locked exclusively by" 10 && on_screen "$(id -un)"; then
	pass "Apply is refused while another session holds the file exclusively, naming it"
else
	fail "Apply is refused while another session holds the file exclusively" "$(screen)"
fi
keys Enter
to_list
keys Escape Escape
wait_screen "There are changes"
keys d
menu_rc >/dev/null
tm_reset

# --- deleting an account a line uses: Save lists the problem --------------
menu
open_page 1
wait_screen "account 2"
keys Down d
wait_screen "Delete account 2?"
keys Enter
wait_screen "Deleted account 2"
keys F2
if wait_screen "Save refused" && on_screen "line 0: account 2 does not exist"; then
	pass "Save lists the problems of the whole configuration"
else
	fail "Save lists the problems of the whole configuration" "$(screen)"
fi
keys Enter
cp "$C" "$T/before"
keys F3
wait_screen "Apply refused"
keys Enter
check "Apply of a configuration with problems saves nothing" cmp -s "$C" "$T/before"
to_list
open_page 2
wait_screen "line 0"
keys d
wait_screen "Delete line 0?"
keys Enter
wait_screen "None yet: n adds one."
keys F3
wait_screen "Committed" 10
dismiss
if ! grep -q "^account 2" "$C" && ! grep -q "^line 0" "$C" &&
	grep -q "^account 1" "$C"; then
	pass "accounts and lines are deleted"
else
	fail "accounts and lines are deleted" "$(cat "$C")"
fi
to_list
keys Escape Escape
check "after Apply Esc Esc leaves at once, status 0" test "$(menu_rc)" = 0

# --- terminals: vt100, linux, no colours; resizes -------------------------
for term in vt100 linux; do
	menu "$term"
	open_page 0
	keys Down Down
	if wait_screen "Advanced SIP (1/2)" && wait_screen ">Bindport"; then
		pass "TERM=$term: pages open and arrows move"
	else
		fail "TERM=$term: pages open and arrows move" "$(screen)"
	fi
	# tmux sends xterm's F-keys whatever the terminal's description says
	# (linux's names others): Save must still be F2.
	keys F2
	if wait_screen "Saved, with warnings"; then
		pass "TERM=$term: F2 saves"
	else
		fail "TERM=$term: F2 saves" "$(screen)"
	fi
	dismiss
	# Esc and an arrow in one burst: the Esc alone, then the arrow.
	keys Escape Up
	if wait_screen ">Bind Interface" && on_screen "Advanced SIP (1/2)"; then
		pass "TERM=$term: Esc then Up stays on the page and moves up"
	else
		fail "TERM=$term: Esc then Up stays on the page and moves up" \
			"$(screen)"
	fi
	to_list
	keys Escape Escape
	check "TERM=$term: Esc Esc leaves with status 0" test "$(menu_rc)" = 0
done
# UTF-8 typed into a text field is one character each, saved as typed.
menu xterm LC_ALL=C.UTF-8
open_page 5
wait_screen "sipsh setup: System"
keys Down Down Enter C-u
typed "Küche ☎ 2"
keys Enter
check "UTF-8 typed into a field shows as typed" \
	wait_screen "Login banner                   Küche ☎ 2"
keys F3
wait_screen "Committed:"
check "UTF-8 typed into a field is saved as typed" grep -qF "Küche ☎ 2" "$C"
to_list
keys Escape Escape
menu_rc >/dev/null
menu xterm NO_COLOR=1
open_page 0
keys Down Down Enter C-u
typed "70000"
keys Enter
check "NO_COLOR: a refused field is still marked" \
	wait_screen "Bindport: '70000' is out of range"
TM resize-window -t m -x 70 -y 20
if wait_screen "needs a terminal of at least 80x24; this one is 70x20"; then
	pass "shrunk below 80x24 it says which size it needs"
else
	fail "shrunk below 80x24 it says which size it needs" "$(screen)"
fi
TM resize-window -t m -x 100 -y 30
# 30 lines hold all 25 settings: one form page, the last row shown.
if wait_screen "Cipher string" && ! on_screen "(1/2)"; then
	pass "grown again it follows the resize"
else
	fail "grown again it follows the resize" "$(screen)"
fi
TM resize-window -t m -x 80 -y 24

# --- the terminal is restored after Ctrl-C and a hangup -------------------
for how in INT HUP; do
	rm -f "$T/stty"
	tm_reset
	TM new-session -d -s m -x 80 -y 24 \
		"trap '' INT; env TERM=xterm '$MENU' -C '$C'; echo rc=\$? >'$T/menu.rc'; stty -a >'$T/stty'; sleep 5"
	p=$(TM display-message -p -t m '#{pid}' 2>/dev/null)
	[ -n "$p" ] && TEST_PIDS+=("$p")
	wait_screen "sipsh setup: pages"
	if [ "$how" = INT ]; then
		keys C-c
	else
		mp=$(pgrep -n -P "$(TM display-message -p -t m '#{pane_pid}')" -x sipsh-menu ||
			TM display-message -p -t m '#{pane_pid}')
		kill -HUP "$mp" 2>/dev/null
	fi
	if wait_for 5 test -s "$T/stty" && grep -q " icanon" "$T/stty" &&
		grep -q " echo " "$T/stty"; then
		pass "after SIG$how the terminal is restored ($(cat "$T/menu.rc"))"
	else
		fail "after SIG$how the terminal is restored" \
			"$(cat "$T/menu.rc" "$T/stty" 2>&1 | head -5)"
	fi
done
tm_reset

# --- the shell's 'setup' runs the menu on the same file -------------------
TM new-session -d -s m -x 80 -y 24 "env TERM=xterm '$SIPSH' -C '$C'"
p=$(TM display-message -p -t m '#{pid}' 2>/dev/null)
[ -n "$p" ] && TEST_PIDS+=("$p")
wait_screen "#" || wait_screen ">"
typed "setup"
keys Enter
if wait_screen "sipsh setup: pages" && on_screen 'File: $T/sipsh.conf'; then
	pass "the shell's setup opens the menu on the shell's file"
else
	fail "the shell's setup opens the menu on the shell's file" "$(screen)"
fi
keys Escape Escape
if wait_screen "> setup" && ! on_screen "sipsh setup: pages"; then
	pass "leaving the menu returns to the shell"
else
	fail "leaving the menu returns to the shell" "$(screen)"
fi
tm_reset

# --- the menu finds the phone of its file, as the shell does -------------
# No SIPSH_RUNDIR: the runtime directory is the one recorded beside the
# file when its phone was started (phone_paths.c), never the built-in one.
NP2=$((SP + 11))
TM new-session -d -s m -x 80 -y 24 \
	"env -u SIPSH_RUNDIR TERM=xterm '$MENU' -C '$C' 2>'$T/menu.err'"
p=$(TM display-message -p -t m '#{pid}' 2>/dev/null)
[ -n "$p" ] && TEST_PIDS+=("$p")
wait_screen "sipsh setup: pages"
open_page 0
wait_screen "Advanced SIP (1/2)"
keys Down Down Enter C-u
typed "$NP2"
keys Enter
wait_screen "Bindport                       $NP2"
keys F3
wait_screen "Committed" 10
if wait_for 10 grep -q "sip_listen.*:$NP2" "$SIPSH_RUNDIR/baresip/config"; then
	pass "without SIPSH_RUNDIR the menu applies to the phone its file drives"
else
	fail "without SIPSH_RUNDIR the menu applies to the phone its file drives" \
		"$(screen | grep -v '^ *$' | tail -5; grep sip_listen "$SIPSH_RUNDIR/baresip/config")"
fi
tm_reset
