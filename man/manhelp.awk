# Makes the C table of 'help COMMAND' (modules/help.c) from sipsh(1) as
# mandoc renders it (overstrike removed): each item of its COMMANDS
# section, the head (at column 5) and the body (at column 13), so the
# shell says what the page says. With no page on input (no mandoc at
# build time), the table is empty and 'help' points to the page.
function cstr(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	return s
}
function indent(s) {
	match(s, /^ */)
	return RLENGTH
}
function flush() {
	if (head == "")
		return
	sub(/(\\n)+$/, "", body)
	printf "\t{\"%s\",\n\t \"%s\\n\"},\n", cstr(head), body
	head = ""
	body = ""
}
BEGIN {
	print "/* Made from man/sipsh.1 by man/manhelp.awk: edit the page. */"
	print "#include <stddef.h>"
	print "#include \"man_help.h\""
	print ""
	print "const struct man_item man_items[] = {"
}
/^COMMANDS$/ { on = 1; next }
on && /^[A-Z]/ { flush(); on = 0 }
on { lines[n++] = $0 }
END {
	for (i = 0; i < n; i++) {
		l = lines[i]
		ind = indent(l)
		if (l ~ /^ *$/) {
			if (head != "")
				body = body "\\n"
			continue
		}
		# A head: at column 5, its body beside it from column 13, or
		# on the next line at column 13.
		next_ind = lines[i + 1] ~ /^ *$/ ? 0 : indent(lines[i + 1])
		beside = length(l) > 13 && substr(l, 6, 8) ~ /  $/ &&
			substr(l, 14, 1) != " "
		if (ind == 5 && (next_ind == 13 || beside && next_ind != 5)) {
			flush()
			if (beside) {
				head = substr(l, 6, 8)
				sub(/ +$/, "", head)
				body = cstr("        " substr(l, 14)) "\\n"
			} else {
				head = substr(l, 6)
			}
			continue
		}
		if (head != "" && ind >= 13) {
			body = body cstr(substr(l, 6)) "\\n"
			continue
		}
		flush()
	}
	flush()
	print "\t{NULL, NULL}"
	print "};"
}
