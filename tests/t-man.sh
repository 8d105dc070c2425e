#!/usr/bin/env bash
# The manual pages against the shell they describe: both pass mandoc's
# lint; sipsh.conf(5), generated from the schema, documents every setting
# and every section the shell prints, and its example configurations are
# valid and canonical (the first one is etc/sipsh.conf); sipsh(1) lists
# every exit status of shell/engine/session.h and every option of 'sipsh -h'.
. "$(dirname "$0")/lib.sh"

M1=$TOP/man/sipsh.1
MM=$TOP/man/sipsh-menu.1
M5=$TOP/build/man/sipsh.conf.5

if [ ! -e "$M5" ]; then
	fail "the generated sipsh.conf.5 exists" "$M5 is missing: run make"
	exit 0
fi

# The page as a reader sees it, without the overstrike of bold and
# underlined words.
render() {
	mandoc -Tascii "$1" | sed 's/.\x08//g'
}

for page in "$M1" "$M5" "$MM"; do
	name=$(basename "$page")
	if out=$(mandoc -Tlint -Wwarning "$page" 2>&1) && [ -z "$out" ]; then
		pass "$name: mandoc -Tlint -Wwarning is clean"
	else
		fail "$name: mandoc -Tlint -Wwarning is clean" "$out"
	fi
done

render "$M5" >"$T/conf5.txt"
render "$M1" >"$T/sipsh1.txt"
# The heads of the tagged lists: a line indented 5, its text indented 13.
awk 'prev ~ /^     [^ ]/ && /^             [^ ]/ { print substr(prev, 6) }
	{ prev = $0 }' "$T/conf5.txt" >"$T/heads"

# Every setting the shell prints, in every section: a configuration with
# one instance of each numbered section, shown with its defaults.
"$SIPSH" -C "$T/x.conf" -c 'account 1' -c 'user 100' \
	-c 'registrar r.example' -c 'line 0' -c 'account 1' 2>"$T/x.err"
"$SIPSH" -C "$T/x.conf" -c 'show running-config all' >"$T/all.txt" 2>&1

# A setting line is ' KEY VALUE', ' KEY' or ' no KEY'; the key is the line
# without 'no' and without its value, the last word.
awk '/^ [^ ]/ {
	sub(/^ /, ""); sub(/^no /, "")
	n = split($0, w, " ")
	k = w[1]
	for (i = 2; i < n; i++)
		k = k " " w[i]
	if (!(k in seen)) { seen[k] = 1; print k }
}' "$T/all.txt" >"$T/keys"
awk '/^[a-z]/ { print $1 }' "$T/all.txt" | sort -u >"$T/sections"

nkeys=$(wc -l <"$T/keys")
missing=
while read -r key; do
	grep -qE "^$key( |\$)" "$T/heads" || missing="$missing [$key]"
done <"$T/keys"
if [ "$nkeys" -ge 30 ] && [ -z "$missing" ]; then
	pass "sipsh.conf.5 has an item for each of the $nkeys settings"
else
	fail "sipsh.conf.5 has an item for every setting" \
		"$nkeys keys from 'show running-config all'; missing:$missing
$(head -5 "$T/x.err")"
fi

missing=
while read -r sect; do
	grep -qE "^   $sect( |\$)" "$T/conf5.txt" || missing="$missing [$sect]"
done <"$T/sections"
if [ "$(wc -l <"$T/sections")" -ge 3 ] && [ -z "$missing" ]; then
	pass "sipsh.conf.5 has a subsection for each section: $(echo $(cat "$T/sections"))"
else
	fail "sipsh.conf.5 has a subsection for every section" \
		"sections: $(echo $(cat "$T/sections")); missing:$missing"
fi

tr -s ' \n' ' ' <"$T/conf5.txt" >"$T/conf5.flat"
check "the sip settings name their Advanced SIP view field" \
	grep -q 'Advanced SIP view: "Sip Proxy servers"' "$T/conf5.flat"

# The examples: each a configuration that loads, passes the checks and is
# already canonical (read and written again, the same bytes).
awk '/^\.Sh EXAMPLES/ { on = 1 } /^\.Sh SEE ALSO/ { on = 0 }
	on && /^\.Bd -literal/ { n++; f = dir "/example" n; next }
	on && /^\.Ed/ { f = ""; next }
	f { gsub(/\\&/, ""); gsub(/\\e/, "\\"); print > f }' \
	dir="$T" "$M5"
same "the first example is the default configuration, etc/sipsh.conf" \
	"$TOP/etc/sipsh.conf" "$T/example1"
n=0
for ex in "$T"/example*; do
	n=$((n + 1))
	rm -rf "$T/ex.conf" "$T/ex.conf.history"
	if "$SIPSH" -C "$T/ex.conf" -f "$ex" >"$T/ex.out" 2>&1 &&
		cmp -s "$ex" "$T/ex.conf"; then
		pass "sipsh.conf.5 example $n is a valid canonical configuration"
	else
		fail "sipsh.conf.5 example $n is a valid canonical configuration" \
			"$(cat "$T/ex.out"; diff "$ex" "$T/ex.conf" 2>&1)"
	fi
done
[ "$n" -ge 2 ] || fail "sipsh.conf.5 has two example configurations" "$n found"

# EXIT STATUS: 0 to 5, and every value session.h defines.
sed -n '/^EXIT STATUS/,/^[A-Z]/p' "$T/sipsh1.txt" >"$T/exit.txt"
codes=$( (seq 0 5; sed -n 's/.*EXIT_[A-Z_]* *= *\([0-9][0-9]*\).*/\1/p' \
	"$TOP/shell/engine/session.h") | sort -nu)
missing=
for c in $codes; do
	grep -qE "^ +$c( |\$)" "$T/exit.txt" || missing="$missing $c"
done
if [ -z "$missing" ]; then
	pass "sipsh.1 EXIT STATUS lists $(echo $codes)"
else
	fail "sipsh.1 EXIT STATUS lists every status" "missing:$missing"
fi

# Every option 'sipsh -h' names is in the manual.
"$SIPSH" -h | sed -n 's/^ *\(-[A-Za-z]\).*/\1/p' >"$T/opts"
missing=
while read -r o; do
	grep -qE "^ +$o( |,|\$)" "$T/sipsh1.txt" || missing="$missing $o"
done <"$T/opts"
if [ "$(wc -l <"$T/opts")" -ge 4 ] && [ -z "$missing" ]; then
	pass "sipsh.1 describes each option of 'sipsh -h': $(echo $(cat "$T/opts"))"
else
	fail "sipsh.1 describes every option of 'sipsh -h'" "missing:$missing"
fi

# sipsh-menu(1): every exit status of menus/setup.h, every option of
# 'sipsh-menu -h', and every page of the menu's page list.
render "$MM" >"$T/menu1.txt"
sed -n '/^EXIT STATUS/,/^[A-Z]/p' "$T/menu1.txt" >"$T/mexit.txt"
missing=
for c in $(sed -n 's/.*MENU_EXIT_[A-Z_]* *= *\([0-9][0-9]*\).*/\1/p' \
	"$TOP/menus/setup.h"); do
	grep -qE "^ +$c( |,|\$)" "$T/mexit.txt" || missing="$missing $c"
done
if [ -z "$missing" ]; then
	pass "sipsh-menu.1 EXIT STATUS lists every status of menus/setup.h"
else
	fail "sipsh-menu.1 EXIT STATUS lists every status" "missing:$missing"
fi
"$TOP/build/sipsh-menu" -h | sed -n 's/^ *\(-[A-Za-z]\).*/\1/p' >"$T/mopts"
missing=
while read -r o; do
	grep -qE "^ +$o( |,|\$)" "$T/menu1.txt" || missing="$missing $o"
done <"$T/mopts"
if [ "$(wc -l <"$T/mopts")" -ge 3 ] && [ -z "$missing" ]; then
	pass "sipsh-menu.1 describes each option of 'sipsh-menu -h'"
else
	fail "sipsh-menu.1 describes every option of 'sipsh-menu -h'" "missing:$missing"
fi
missing=
for pg in $(sed -n 's/^\t{"\([^"]*\)", page_.*/\1/p' "$TOP/menus/pages.c" | tr ' ' '_'); do
	grep -q "^     ${pg//_/ }" "$T/menu1.txt" || missing="$missing [$pg]"
done
if [ -z "$missing" ]; then
	pass "sipsh-menu.1 describes each page of the menu"
else
	fail "sipsh-menu.1 describes every page of the menu" "missing:$missing"
fi

# Every command of the grammar has an item in COMMANDS of sipsh(1) whose
# head holds each of its keywords (a section's name may stand as the
# word 'section'); every filter after '|' has an item of its own.
"$TOP/build/mkman" --commands >"$T/commands"
"$TOP/build/mkman" --settings >"$T/settings"
sed -n '/^COMMANDS/,/^[A-Z]/p' "$T/sipsh1.txt" |
	awk '/^     [^ ]/ { print substr($0, 6) }' >"$T/cmdheads"
sed -n '/^COMMANDS/,/^[A-Z]/p' "$T/sipsh1.txt" |
	sed -n 's/^\(     [^ ].*[^ ]\)  *$/\1/p; s/^\(     [^ ][^ ]*\)  .*/\1/p; /^     [^ ].*[^ ]$/p' \
	>"$T/cmdheads.full"
sections=" $(awk '{ print $1 }' "$T/settings" | sort -u | tr '\n' ' ')"
missing=
ncmd=0
while read -r mode words; do
	[ "$mode" = filter ] && continue
	ncmd=$((ncmd + 1))
	found=
	while IFS= read -r head; do
		toks=" $(printf '%s' "$head" | tr -s ' ,|[]' ' ') "
		ok=1
		for w in $words; do
			case $w in '<'*|WORD|LINE) continue ;; esac
			case "$toks" in *" $w "*) continue ;; esac
			case "$sections" in *" $w "*)
				case "$toks" in *" section "*) continue ;; esac ;;
			esac
			ok=
			break
		done
		[ -n "$ok" ] && { found=1; break; }
	done <"$T/cmdheads"
	[ -n "$found" ] || missing="$missing [$mode: $words]"
done <"$T/commands"
if [ "$ncmd" -ge 50 ] && [ -z "$missing" ]; then
	pass "sipsh.1 describes each of the $ncmd commands of the grammar"
else
	fail "sipsh.1 describes every command of the grammar" \
		"$ncmd commands; missing:$missing"
fi
missing=
while read -r mode w rest; do
	[ "$mode" = filter ] || continue
	grep -qE "^ {5,}([^ ].*, )?$w( |,|\$)" "$T/sipsh1.txt" ||
		missing="$missing $w"
done <"$T/commands"
if [ -z "$missing" ]; then
	pass "sipsh.1 describes each filter: $(awk '$1 == "filter" { printf "%s ", $2 }' "$T/commands")"
else
	fail "sipsh.1 describes every filter" "missing:$missing"
fi

# 'help COMMAND' for every command of the grammar: the head of its item
# holds the command's words, and the text is the page's own (blanks
# aside), in one piece.
tr -s ' \n' ' ' <"$T/sipsh1.txt" >"$T/sipsh1.flat"
bad=
n=0
while read -r mode words; do
	[ "$mode" = filter ] && continue
	kw=$(for w in $words; do case $w in '<'*|WORD|LINE) ;; *) printf '%s ' "$w" ;; esac; done)
	"$SIPSH" -C "$T/x.conf" -c "help $kw" >"$T/help.out" 2>&1 || {
		bad="$bad [$kw: $(head -1 "$T/help.out")]"; continue; }
	n=$((n + 1))
	grep -qxF "     $(head -1 "$T/help.out")" "$T/cmdheads.full" ||
		bad="$bad [$kw: head '$(head -1 "$T/help.out")']"
	tr -s ' \n' ' ' <"$T/help.out" >"$T/help.flat"
	grep -qF -- "$(cat "$T/help.flat")" "$T/sipsh1.flat" ||
		bad="$bad [$kw: text not the page's]"
done <"$T/commands"
if [ "$n" -ge 50 ] && [ -z "$bad" ]; then
	pass "help COMMAND shows sipsh(1)'s text for each of the $n commands"
else
	fail "help COMMAND shows sipsh(1)'s text for every command" "$n;$bad"
fi
"$SIPSH" -C "$T/x.conf" -c 'help sh run' >"$T/help.out" 2>&1
check "help takes abbreviations: help sh run" \
	grep -qx 'show running-config \[all\] \[section \[N\]\]' "$T/help.out"

"$SIPSH" -C "$T/x.conf" -c 'help bind-port' >"$T/help.out" 2>&1
check "help SETTING: the schema's description, as sipsh.conf(5) has it" \
	sh -c "head -1 '$T/help.out' | grep -qx 'bind-port (section sip)' &&
	       grep -q 'TLS uses the next port' '$T/help.out'"

# Every setting of the schema has an item in sipsh.conf(5).
missing=
while read -r sect key; do
	grep -qE "^$key( |\$)" "$T/heads" || missing="$missing [$sect $key]"
done <"$T/settings"
if [ "$(wc -l <"$T/settings")" -ge 30 ] && [ -z "$missing" ]; then
	pass "sipsh.conf.5 has an item for each of the $(wc -l <"$T/settings") settings of the schema"
else
	fail "sipsh.conf.5 has an item for every setting of the schema" "missing:$missing"
fi

# mkman refuses a template it cannot fill rather than drop the settings.
if printf '.Dd x\n' | "$TOP/build/mkman" >/dev/null 2>&1; then
	fail "mkman refuses a template without the settings marker" "exit 0"
else
	pass "mkman refuses a template without the settings marker"
fi
