/*
 * The interactive shell on a terminal: line editing, prompts that show
 * the mode, history.
 */
#ifndef SIPSH_TTY_H
#define SIPSH_TTY_H

int tty_run(const char *path);

#endif
