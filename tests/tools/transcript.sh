#!/usr/bin/env bash
# Plays a transcript into sipsh on a real pseudo-terminal (tmux) and
# prints the screen as a person would have seen it.
#
#   transcript.sh SOCKET CONF INFILE
#
# Each line of INFILE is typed, then Enter, with these exceptions:
#   <TAB> <C-c> <C-z> <C-u> <C-d> <SPACE>  press that key
#   a line ending in '?' is typed and answered at once; the line is
#   then cleared with Ctrl-U instead of pressing Enter
#   a line ending in <noenter> is typed without Enter
# After each line the screen must settle (bounded wait). TCOLS and TROWS
# set the size of the terminal (100x50).
set -u
sock=$1 conf=$2 in=$3
tm() { tmux -L "$sock" "$@"; }

settle() {
	local a b i
	a=$(tm capture-pane -p -t 0 2>/dev/null)
	for i in $(seq 1 40); do
		sleep 0.05
		b=$(tm capture-pane -p -t 0 2>/dev/null)
		[ "$a" = "$b" ] && [ "$i" -gt 2 ] && return 0
		a=$b
	done
	return 0
}

tm -f /dev/null new-session -d -x "${TCOLS:-100}" -y "${TROWS:-50}" \
	"env TERM=xterm HOME=$(dirname "$conf") ${SIPSH_ENV:-} ${SIPSH:?} -C $conf"
tm set-option -g history-limit 5000 >/dev/null
tm set-option -g remain-on-exit on >/dev/null
settle

while IFS= read -r line || [ -n "$line" ]; do
	enter=1
	case "$line" in
	*'<noenter>') line=${line%<noenter>}; enter=0 ;;
	*'?') enter=2 ;;
	esac
	rest=$line
	while [ -n "$rest" ]; do
		case "$rest" in
		'<TAB>'*) tm send-keys -t 0 Tab; rest=${rest#<TAB>} ;;
		'<C-c>'*) tm send-keys -t 0 C-c; rest=${rest#<C-c>} ;;
		'<C-z>'*) tm send-keys -t 0 C-z; rest=${rest#<C-z>} ;;
		'<C-u>'*) tm send-keys -t 0 C-u; rest=${rest#<C-u>} ;;
		'<C-d>'*) tm send-keys -t 0 C-d; rest=${rest#<C-d>} ;;
		'<SPACE>'*) tm send-keys -t 0 Space; rest=${rest#<SPACE>} ;;
		*)
			chunk=${rest%%<*}
			[ -z "$chunk" ] && { chunk=${rest:0:1}; }
			tm send-keys -t 0 -l -- "$chunk"
			rest=${rest#"$chunk"}
			;;
		esac
		settle
	done
	case $enter in
	1) tm send-keys -t 0 Enter ;;
	2) tm send-keys -t 0 C-u ;;
	esac
	settle
done <"$in"

tm capture-pane -p -t 0 -S - | grep -v '^Pane is dead' |
	sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
tm kill-server 2>/dev/null
