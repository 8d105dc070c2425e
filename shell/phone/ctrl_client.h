/*
 * The control socket's client, for requests and for following events
 * (a live SIP trace).
 */
#ifndef SIPSH_CTRL_CLIENT_H
#define SIPSH_CTRL_CLIENT_H

#include <stddef.h>

struct odict;
struct mbuf;

struct ctrl_reader {
	int fd;
	struct mbuf *mb;
};

int  ctrl_connect(int *fdp, char *errbuf, size_t errsz);
int  ctrl_send(int fd, const char *command, struct odict *params, int id);
void ctrl_reader_init(struct ctrl_reader *r, int fd);
void ctrl_reader_reset(struct ctrl_reader *r);
int  ctrl_read(struct ctrl_reader *r, struct odict **op, int timeout_ms);

#endif
