/*
 * The UA events ctrl follows: registration changes (regstat.c), call
 * events for every client, and the SIP stack shutting down.
 */
#include "ctrl_ext.h"
#include "ctrl.h"


static void call_event(struct ua *ua, const char *type, struct call *call,
		       const char *reason)
{
	struct odict *od = NULL;

	if (odict_alloc(&od, 8))
		return;

	if (0 == odict_entry_add(od, "event", ODICT_STRING, "call") &&
	    0 == odict_entry_add(od, "type", ODICT_STRING, type) &&
	    0 == odict_entry_add(od, "aor", ODICT_STRING, nz(ua_aor(ua))) &&
	    0 == odict_entry_add(od, "id", ODICT_STRING,
				 nz(call_id(call))) &&
	    0 == odict_entry_add(od, "direction", ODICT_STRING,
				 call_is_outgoing(call) ? "out" : "in") &&
	    0 == odict_entry_add(od, "peer", ODICT_STRING,
				 nz(call_peeruri(call))) &&
	    0 == odict_entry_add(od, "reason", ODICT_STRING, nz(reason)))
		client_broadcast(od, false);

	mem_deref(od);
}


/* A call refused credentials for its realm (acctauth's auth_info hook)
 * says so after the response that ended it. */
static void closed_event(struct ua *ua, struct call *call, const char *prm)
{
	const struct cmd *hook = ext_find(CTRL_EXT_AUTH_INFO);
	struct odict *o = NULL;
	const char *why;
	char reason[512];

	if (hook && 0 == odict_alloc(&o, 4) &&
	    0 == ext_info_add(hook, o, nz(call_id(call)), nz(ua_aor(ua))) &&
	    (why = odict_string(o, "auth_refused")) != NULL) {
		re_snprintf(reason, sizeof(reason), "%s%s%s", nz(prm),
			    str_isset(prm) ? ": " : "", why);
		prm = reason;
	}

	call_event(ua, "closed", call, prm);
	mem_deref(o);
}


void ctrl_event_handler(struct ua *ua, enum ua_event ev, struct call *call,
			const char *prm, void *arg)
{
	(void)arg;

	switch (ev) {

	case UA_EVENT_REGISTERING:
	case UA_EVENT_REGISTER_OK:
	case UA_EVENT_REGISTER_FAIL:
	case UA_EVENT_UNREGISTERING:
		if (ua)
			reg_event(ua, ev, prm);
		break;

	case UA_EVENT_SHUTDOWN:
		regstat_forget(ua);
		break;

	case UA_EVENT_EXIT:
		trace_stack_exit();
		break;

	case UA_EVENT_CALL_INCOMING:
		call_event(ua, "incoming", call, "");
		break;

	case UA_EVENT_CALL_RINGING:
		call_event(ua, "ringing", call, "");
		break;

	case UA_EVENT_CALL_PROGRESS:
		call_event(ua, "progress", call, "");
		break;

	case UA_EVENT_CALL_ESTABLISHED:
		call_event(ua, "established", call, "");
		break;

	case UA_EVENT_CALL_CLOSED:
		closed_event(ua, call, prm);
		break;

	default:
		break;
	}
}
