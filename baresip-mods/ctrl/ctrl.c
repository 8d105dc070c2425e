/*
 * ctrl: sipsh's control server inside baresip, on a UNIX stream socket.
 *
 * It replaces the stock ctrl_tcp, which listens on TCP without any
 * authentication and serves one client at a time: here every request is
 * authorised by the peer's credentials as the kernel gives them
 * (SO_PEERCRED) and the role the command needs, several clients are
 * served at once within limits per user, and every command names its
 * account or call, never baresip's "current" user agent. The sipsh shell
 * is the client.
 *
 * Sample config (baresip's config file; values cannot contain spaces):
 *
 *   module_path        /usr/lib/sipsh/baresip-modules
 *   module             ctrl.so
 *   ctrl_socket        /run/sipsh/ctrl.sock   # required; no default
 *   ctrl_socket_mode   0666                   # octal, default 0660
 *   ctrl_socket_group  sipsh                  # optional: chgrp the socket
 *   ctrl_admin_group   sipsh-admin            # may do everything
 *   ctrl_admin_gid     990                    # its id, or none
 *   ctrl_view_group    sipsh-view             # may read state
 *   ctrl_view_gid      991                    # its id, or none
 *
 * module_path must be a directory holding ctrl.so: baresip 1.0.0 joins
 * module_path and the name, so 'module /abs/path/ctrl.so' does not work.
 * The socket's directory should be writable by baresip's user only. At
 * start an existing ctrl_socket is replaced only if it is a socket that
 * nobody answers on (a stale one); anything else makes the module refuse
 * to load. The socket is created with owner-only permissions, then given
 * its group and mode, and it is removed when the module is unloaded.
 *
 * ROLES
 *
 * A client's role is fixed when it connects, from its credentials and
 * groups (supplementary ones too) as the kernel reports them: root, the
 * user baresip runs as, and members of ctrl_admin_group are admins;
 * members of ctrl_view_group view; anyone else has no role. A view
 * client may use version, registrations and calls (and the commands of
 * other modules flagged CTRL_EXT_VIEW); every other command needs admin:
 * ua_add, ua_del, dial, answer, hangup, hold, resume, trace, line_set...
 * A refused request is answered {"ok":false,"error":"permission denied:
 * this command needs the GROUP group"}; a client with no role gets
 * "permission denied: uid N is in neither group A nor V" to its first
 * request and is disconnected. A group that is not set or does not exist
 * gives nobody its role. sipsh's generator writes each group's id beside
 * its name, as sipsh resolved it ("none": no such group), so that the
 * phone's start asks the group database nothing; without an id key the
 * name is looked up (auth.c). The socket file's mode can then be 0666: the
 * kernel lets anyone connect, ctrl decides.
 *
 * LIMITS
 *
 * At most 32 connections, of which the last 8 only for admins, and 8 for
 * each user but root. A connection must send a complete request line
 * within 5 s of connecting, and complete any request it starts within
 * 5 s of its first byte; between requests it may stay (to follow
 * events). A connection over a limit gets one line {"id":null,
 * "ok":false,"error":"too many connections ..."} and is closed.
 *
 * PROTOCOL
 *
 * Newline-delimited JSON in both directions: one object per line, UTF-8,
 * no newline inside an object (strings escape it). Empty lines are ignored.
 *
 * Request:   {"id": <integer>, "command": "<name>", <parameters>...}
 * Reply:     {"id": <same>, "ok": true,  "data": <object or array>}
 *            {"id": <same>, "ok": false, "error": "<one-line reason>"}
 *   Every request gets exactly one reply, in order. "id" is null in the
 *   reply when the request had none or was not valid JSON. A malformed line
 *   gets ok:false ("malformed JSON: <problem>") and the connection stays.
 *   A line longer than 64 KiB, a NUL byte, or a client that does not read
 *   its replies (4 MiB queued) gets that client disconnected, and only it.
 * Event:     {"event": "<type>", ...}, pushed to every client at any time
 *   between replies; an event caused by a request (hangup: "closed") may
 *   come before that request's reply. A line with the key "event" is an
 *   event, one without it a reply: the "id" in a call event is the call's
 *   id, not a request's.
 *
 * Commands (parameters are JSON strings unless marked):
 *
 *   version        -> {"baresip":"1.0.0","libre":"1.1.0","pid":N,
 *                      "uptime":SECONDS since baresip started,
 *                      "modules":["g711","ctrl",...]}   (loaded modules)
 *   registrations  -> [{"aor":AOR, "registered":BOOL (baresip's view),
 *                      "state":"registered"|"registering"|"failed"|"off",
 *                      "registrar":"host[:port]" (outbound proxy if set,
 *                      else the AOR's host; no port = SRV/default),
 *                      "expires":N (the account's regint, seconds),
 *                      "last":TEXT (last REGISTER outcome, as baresip
 *                      reports it: "200 OK", "401 Unauthorized", or for
 *                      no answer / transport errors the strerror text,
 *                      e.g. "Connection timed out"; "" if none yet),
 *                      "attempts":N (failures since the last success),
 *                      "since":UNIXTIME (last state change),
 *                      "confirmed":UNIXTIME (the last REGISTER 200 OK,
 *                      0: none)
 *                      [, "realm_asked":R, "realm":CONFIGURED,
 *                      "auth_refused":"realm \"R\" asked, \"C\"
 *                      configured" when acctauth refused the last
 *                      REGISTER's challenge for its realm]}, ...]
 *                      "off" whenever the account's regint is 0, and
 *                      after an un-REGISTER. REGISTER refreshes that
 *                      change nothing raise no event.
 *   calls          -> [{"id":CALLID, "aor":AOR, "direction":"in"|"out",
 *                      "peer":URI, "state":"incoming"|"outgoing"|
 *                      "ringing"|"early"|"established"|"terminated"
 *                      ("idle"|"unknown" are possible but transient),
 *                      "duration":SECONDS, "held":BOOL}, ...]
 *   dial   {"aor","uri"}          -> {"id":CALLID}; uri must be sip:/sips:
 *   answer {"call"[,"aor"]}       -> {"id":CALLID}; call must be incoming
 *   hangup {"call"[,"aor"]}       -> {"id":CALLID}
 *   hold   {"call"[,"aor"]}       -> {"id":CALLID}; must be established
 *   resume {"call"[,"aor"]}       -> {"id":CALLID}; must be established
 *   ua_add {"line":"<sip:...>;regint=..."} -> {"aor":AOR}
 *                      An accounts-file line; registers at once if its
 *                      regint is not 0, or, when an account of the same
 *                      AOR was just deleted, once that one has
 *                      un-registered. Refused if the AOR exists.
 *   ua_del {"aor"}              -> {"aor":AOR}; hangs up the account's
 *                      calls (reason "account deleted") and destroys it;
 *                      its binding is taken back within regctl_timeout.
 *   conf_reload                 -> {"modules":"sipwire regctl ...",
 *                      "changed":TEXT}; the modules that take settings
 *                      at run time (common/conf_reload.h) read baresip's
 *                      config file again: all of them, or, when one
 *                      refuses, none (the error says which and why).
 *   conf_check                  -> {"modules":"sipwire regctl ..."}; the
 *                      same modules only check config.next, beside the
 *                      config, and forget it: ok when all would take it.
 *   trace  {"on": BOOL}         -> {"on":BOOL}; per client, until it
 *                      turns it off or disconnects. baresip's own trace
 *                      (-s) is put back when no client traces any more.
 *
 *   Other modules of ours may add commands of their own (see
 *   common/ctrl_ext.h): a name not listed here is looked up among them;
 *   they follow the same request and reply rules.
 *
 *   A call is named by its id, the SIP Call-ID, in the parameter "call"
 *   (the request's own "id" is the request number). Both legs of a call
 *   between two accounts of this baresip share the Call-ID: then give
 *   "aor" to choose the leg; without it such an id is refused as
 *   ambiguous.
 *   Errors: "unknown command 'x'", "missing 'id'", "unknown AOR 'x'",
 *   "bad URI 'x'", "no call with id 'x'", ... always one line.
 *
 * Events:
 *
 *   {"event":"register","aor":AOR,"state":STATE,"last":TEXT}
 *       when an account's state, last outcome or failure count changes.
 *   {"event":"call","type":"incoming"|"ringing"|"progress"|"established"|
 *    "closed","aor":AOR,"id":CALLID,"direction":"in"|"out","peer":URI,
 *    "reason":TEXT}   reason is the close reason ("" for other types),
 *       e.g. "Connection reset by user" after our hangup; a call
 *       whose challenge acctauth refused for its realm adds why:
 *       "407 Proxy Authentication Required: realm \"R\" asked, ...".
 *       "incoming" is raised only for accounts with answermode=manual.
 *   {"event":"sip","dir":"send"|"recv","transport":"UDP"|"TCP"|"TLS"|...,
 *    "src":"ip:port","dst":"ip:port","text":WHOLE MESSAGE}
 *       only to clients that turned trace on. Bytes that are not UTF-8
 *       are replaced by '?'.
 */
#include <errno.h>
#include <grp.h>
#include <string.h>
#include <sys/un.h>
#include "conf_need.h"
#include "version_check.h"
#include "ctrl.h"
#include "sipreg_leave.h"

enum { DEFAULT_MODE = 0660 };

#define SUN_PATH_MAX sizeof(((struct sockaddr_un *)0)->sun_path)


static int read_config(char *path, size_t pathsz, mode_t *modep,
		       bool *chgrpp, gid_t *gidp)
{
	struct conf *conf = conf_cur();
	char buf[64];
	const char *p;
	unsigned long mode = 0;

	/* one byte more than allowed: sipsh_conf_get_str() silently truncates */
	if (sipsh_conf_get_str(conf, "ctrl_socket", path, pathsz) || !path[0]) {
		warning("ctrl: no 'ctrl_socket PATH' in the baresip config:"
			" not loading\n");
		return EINVAL;
	}
	if (strlen(path) >= SUN_PATH_MAX) {
		warning("ctrl: ctrl_socket is longer than %zu bytes:"
			" not loading\n", SUN_PATH_MAX - 1);
		return ENAMETOOLONG;
	}

	*modep = DEFAULT_MODE;
	if (0 == sipsh_conf_get_str(conf, "ctrl_socket_mode", buf, sizeof(buf))) {

		for (p = buf; *p >= '0' && *p <= '7'; p++)
			mode = mode * 8 + (unsigned long)(*p - '0');

		if (!buf[0] || *p || p - buf > 4 || mode > 0777) {
			warning("ctrl: ctrl_socket_mode '%s' is not an octal"
				" mode such as 0660: not loading\n", buf);
			return EINVAL;
		}
		*modep = (mode_t)mode;
	}

	*chgrpp = false;
	if (0 == sipsh_conf_get_str(conf, "ctrl_socket_group", buf, sizeof(buf)) &&
	    buf[0]) {
		struct group grp, *res = NULL;
		char gbuf[16384];
		int err;

		if (strlen(buf) >= sizeof(buf) - 1) {
			warning("ctrl: ctrl_socket_group is too long:"
				" not loading\n");
			return EINVAL;
		}

		err = getgrnam_r(buf, &grp, gbuf, sizeof(gbuf), &res);
		if (err || !res) {
			warning("ctrl: ctrl_socket_group '%s': %s:"
				" not loading\n", buf,
				err ? "lookup failed" : "no such group");
			return err ? err : ENOENT;
		}

		*gidp = res->gr_gid;
		*chgrpp = true;
	}

	return 0;
}


static int ctrl_close(void)
{
	sipreg_leave_close();
	uag_event_unregister(ctrl_event_handler);
	trace_restore();
	log_plain_stop();
	clients_flush();
	regstat_flush();
	socket_close();

	return 0;
}


static int ctrl_init(void)
{
	char path[SUN_PATH_MAX + 1];
	bool chgrp;
	mode_t mode;
	gid_t gid = 0;
	int err;

	err = sipsh_mod_version_check("ctrl");
	if (err)
		return err;

	log_plain_start();
	status_init();
	trace_init();

	err = read_config(path, sizeof(path), &mode, &chgrp, &gid);
	if (err)
		return err;

	err = auth_init();
	if (err)
		return err;

	err = socket_open(path, mode, chgrp, gid);
	if (err)
		goto out;

	err = uag_event_register(ctrl_event_handler, NULL);
	if (err)
		goto out;

	info("ctrl: listening on %s (mode 0%u%u%u)\n", path,
	     (unsigned)(mode >> 6) & 7, (unsigned)(mode >> 3) & 7,
	     (unsigned)mode & 7);

 out:
	/* libre also calls close after a failed init: it is idempotent */
	if (err)
		(void)ctrl_close();

	return err;
}


const struct mod_export DECL_EXPORTS(ctrl) = {
	"ctrl",
	"application",
	ctrl_init,
	ctrl_close
};

