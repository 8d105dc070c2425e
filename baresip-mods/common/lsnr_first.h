/*
 * Our SIP listeners must see a request before baresip's: sip_listen()
 * appends, and baresip's INVITE listener claims every INVITE. These move
 * one of ours to the head of libre's listener list, or just after
 * libre's own listeners there.
 */
#ifndef SIPSH_LSNR_FIRST_H
#define SIPSH_LSNR_FIRST_H

struct sip;
struct sip_lsnr;

/*
 * A libre 1.1.0 struct sip_lsnr starts with its list element: returns
 * ENOTSUP and moves nothing when the listener does not look like that,
 * EINVAL for NULL, 0 when it is now first.
 */
int sipsh_lsnr_first(struct sip_lsnr *lsnr);

/*
 * The same, but placed just after libre's own request listeners (its
 * server transactions, whose listener's argument is the stack itself),
 * so that a retransmission of a request we answered statefully is
 * absorbed by its transaction before our listener sees it again. ENOTSUP
 * when libre's listeners are not found in the list.
 */
int sipsh_lsnr_after_libre(struct sip_lsnr *lsnr, const struct sip *sip);

#endif
