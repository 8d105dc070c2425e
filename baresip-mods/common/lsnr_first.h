/*
 * Our SIP listeners must see a request before baresip's: sip_listen()
 * appends, and baresip's INVITE listener claims every INVITE. This moves
 * one of ours to the head of libre's listener list.
 */
#ifndef SIPSH_LSNR_FIRST_H
#define SIPSH_LSNR_FIRST_H

struct sip_lsnr;

/*
 * A libre 1.1.0 struct sip_lsnr starts with its list element: returns
 * ENOTSUP and moves nothing when the listener does not look like that,
 * EINVAL for NULL, 0 when it is now first.
 */
int sipsh_lsnr_first(struct sip_lsnr *lsnr);

#endif
