/*
 * The simulated phone line's wire protocol, shared by the phoneline
 * module's 'sim' backend (the line) and the sipsh-phone tool (the
 * telephone). One UNIX SOCK_SEQPACKET socket per line,
 * RUNDIR/lines/lineN.sock, created by the line; one telephone at a time
 * is connected. Every packet is one message: a type byte, then its body.
 *
 *   SIM_AUDIO  'A' + 320 bytes: 160 samples of signed 16-bit
 *              little-endian PCM at 8000 Hz, mono: 20 ms of audio.
 *              Telephone -> line: the microphone. Line -> telephone: the
 *              earpiece (tones, the far end's voice). Each side sends a
 *              frame every 20 ms by a monotonic clock, silence included,
 *              while connected.
 *   SIM_EVENT  'E' + text (no NUL, at most 255 bytes): one event.
 *              Telephone -> line:
 *                "hook off"     the handset is lifted
 *                "hook on"      the handset is put down
 *                "flash"        hook flash (a short on-hook, < 1 s)
 *                "digit D"      a key pressed, D one of 0-9 * # A-D
 *              Line -> telephone:
 *                "ring on CID NAME"  the bell rings; CID the caller's
 *                                    number (or "-"), NAME the rest of
 *                                    the line (may be empty)
 *                "ring off"          the bell stops
 *                "tone NAME"         the line plays this tone now
 *                                    (dial, ringback, busy, congestion,
 *                                    info, callwaiting, none)
 *                "state NAME"        the line's call state changed
 *                                    (idle, dialing, calling, ringback,
 *                                    connected, held, busy, failed)
 *                "dtmf D"            a digit received from the far end
 *                                    (also played as audio)
 */
#ifndef SIPSH_SIM_PROTO_H
#define SIPSH_SIM_PROTO_H

#define SIM_AUDIO        'A'
#define SIM_EVENT        'E'
#define SIM_SRATE        8000
#define SIM_PTIME_MS     20
#define SIM_FRAME_SAMPS  (SIM_SRATE * SIM_PTIME_MS / 1000)   /* 160 */
#define SIM_FRAME_BYTES  (SIM_FRAME_SAMPS * 2)               /* 320 */
#define SIM_EVENT_MAX    255
#define SIM_PACKET_MAX   (1 + SIM_FRAME_BYTES)

#endif
