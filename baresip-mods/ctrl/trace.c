/*
 * The SIP trace: every SIP message sent or received, as "sip" events to
 * the clients that asked for them, and baresip's own trace (-s) given back
 * when none does.
 */
#include <errno.h>
#include <string.h>
#include "file_read.h"
#include "ctrl.h"

static struct {
	struct sip *sip;         /* where our trace handler is installed */
	bool sip_gone;           /* the SIP stack has shut down */
} tr;


/*
 * Whether baresip was started with -s (its own SIP trace), so that turning
 * our trace off gives it back. 1.0.0's options: "46de:f:p:hu:n:vst:m:".
 */
static bool baresip_traces(void)
{
	static const char witharg[] = "efpunmt";
	char buf[4096];
	bool found = false;
	size_t n, i;
	bool first = true, skipnext = false;

	if (sipsh_file_read("/proc/self/cmdline", buf, sizeof(buf), &n))
		return false;

	for (i = 0; i < n && !found; i += strlen(buf + i) + 1) {
		const char *a = buf + i;

		if (first || skipnext) {
			first = skipnext = false;
			continue;
		}
		if (0 == str_cmp(a, "--"))
			break;
		if (a[0] != '-' || !a[1])
			continue;

		for (++a; *a; ++a) {
			if (*a == 's') {
				found = true;
				break;
			}
			if (strchr(witharg, *a)) {
				skipnext = (a[1] == '\0');
				break;
			}
		}
	}

	return found;
}


static void trace_handler(bool tx, enum sip_transp tp,
			  const struct sa *src, const struct sa *dst,
			  const uint8_t *pkt, size_t len, void *arg)
{
	struct odict *od = NULL;
	char s[64], d[64];
	char *text = NULL;
	(void)arg;

	if (re_sdprintf(&text, "%b", pkt, len))
		return;
	utf8_sanitize(text);

	(void)re_snprintf(s, sizeof(s), "%J", src);
	(void)re_snprintf(d, sizeof(d), "%J", dst);

	if (odict_alloc(&od, 8))
		goto out;

	if (0 == odict_entry_add(od, "event", ODICT_STRING, "sip") &&
	    0 == odict_entry_add(od, "dir", ODICT_STRING,
				 tx ? "send" : "recv") &&
	    0 == odict_entry_add(od, "transport", ODICT_STRING,
				 sip_transp_name(tp)) &&
	    0 == odict_entry_add(od, "src", ODICT_STRING, s) &&
	    0 == odict_entry_add(od, "dst", ODICT_STRING, d) &&
	    0 == odict_entry_add(od, "text", ODICT_STRING, text))
		client_broadcast(od, true);

 out:
	mem_deref(od);
	mem_deref(text);
}


/* Gives the trace back to baresip: its own if it was started with -s. */
void trace_restore(void)
{
	if (!tr.sip)
		return;

	if (!tr.sip_gone && uag_sip() == tr.sip)
		uag_enable_sip_trace(baresip_traces());

	tr.sip = NULL;
}


/* Installs our trace handler while some client wants it. */
void trace_update(void)
{
	bool want = clients_tracing();

	if (want && !tr.sip && !tr.sip_gone && uag_sip()) {
		tr.sip = uag_sip();
		sip_set_trace_handler(tr.sip, trace_handler);
	}
	else if (!want) {
		trace_restore();
	}
}


int cmd_trace(const struct req *rq, struct rep *rp)
{
	bool on = false;
	int err;

	err = param_bool(rq, rp, "on", &on);
	if (err)
		return err;

	if (on && (tr.sip_gone || !uag_sip()))
		return rep_fail(rp, ENODEV, "the SIP stack is gone");

	rq->cl->trace = on;
	trace_update();

	err = odict_alloc(&rp->data, 4);
	if (!err)
		err = odict_entry_add(rp->data, "on", ODICT_BOOL, on);

	return err;
}


void trace_init(void)
{
	tr.sip = NULL;
	tr.sip_gone = false;
}


/* The SIP stack is closing: take our handler out now, while uag_sip()
   still points at it, and never install it again. */
void trace_stack_exit(void)
{
	trace_restore();
	tr.sip_gone = true;
}
