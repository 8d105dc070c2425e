/*
 * conf_get() of libre 1.1.0 matches "[\r\n]+[ \t]*KEY[ \t]+[~ \t\r\n]+"
 * from every byte of the whole config for every key asked, about 200
 * instructions a byte: for a phone's 1.2 KB config some 250,000
 * instructions a key, and our modules ask about thirty at start. This
 * finds the same value (the first line after a CR or LF made of blanks,
 * the key, blanks and a value ending at a blank or the line's end) by
 * walking the lines once, in libre's own buffer (its private struct
 * conf, pinned by the modules' version check); for each config it is
 * used on it first gives conf_get()'s own answer for module_path, a key
 * every baresip config has, or conf_get() is asked instead.
 */
#ifndef SIPSH_CONF_LINE_H
#define SIPSH_CONF_LINE_H

struct conf;
struct pl;

/* 0 with *pl pointing into conf's buffer, or ENOENT, as conf_get(). */
int conf_line_get(const struct conf *conf, const char *key, struct pl *pl);

#endif
