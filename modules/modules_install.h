/*
 * The shell's command modules handed to the engine, for a front-end
 * that must not include the engine's headers (the setup menu): the file
 * reader parses with the shell's grammar, so it knows the settings' words
 * only once the modules are installed.
 */
#ifndef SIPSH_MODULES_INSTALL_H
#define SIPSH_MODULES_INSTALL_H

void sipsh_modules_install(void);

#endif
