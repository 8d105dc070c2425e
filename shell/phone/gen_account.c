/*
 * The account lines of baresip's accounts file (and of ua_add on the
 * running phone): the address of record, the parameters the settings
 * give, and the credentials, carried so that no value can add anything.
 */
#include <string.h>
#include "re_base.h"
#include "phone.h"
#include "gen.h"

/* The registrar as a URI host part; without SRV lookup, a port is added
 * so that only A/AAAA records are asked for (RFC 3263). */
struct acc_ref {
	const struct cfg *c;
	int id;
};

static int host_print(struct re_printf *pf, void *arg)
{
	const struct acc_ref *ar = arg;
	const struct cfg *c = ar->c;
	int id = ar->id;
	const char *reg = cfg_str(c, SECT_ACCOUNT, id, "registrar");
	const char *tp = cfg_str(c, SECT_ACCOUNT, id, "transport");
	bool has_port = strchr(reg, ']') ? strstr(reg, "]:") != NULL :
		strchr(reg, ':') != NULL && strchr(reg, ':') == strrchr(reg, ':');
	bool v6 = strchr(reg, ':') && !strchr(reg, '[') && !has_port;

	if (v6)
		return re_hprintf(pf, "[%s]%s", reg,
				  cfg_bool(c, SECT_SIP, 0, "srv-lookup") ? "" :
				  !strcmp(tp, "tls") ? ":5061" : ":5060");

	if (has_port || cfg_bool(c, SECT_SIP, 0, "srv-lookup"))
		return re_hprintf(pf, "%s", reg);

	return re_hprintf(pf, "%s:%s", reg, !strcmp(tp, "tls") ? "5061" :
			  "5060");
}

/* Bytes a SIP URI's user part may hold as they are (RFC 3261 unreserved
 * and user-unreserved, but not ';', which libre would read as the start
 * of a URI parameter). */
static bool user_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		(ch >= '0' && ch <= '9') || (ch && strchr("-_.!~*'()&=+$,?/",
							   ch));
}

/* The user part of a SIP URI, escaped as RFC 3261 allows (%HH), so that
 * no byte of the user ends the URI or adds a parameter to it. */
static int user_print(struct re_printf *pf, void *arg)
{
	const unsigned char *p = arg;
	int err = 0;

	for (; *p && !err; p++)
		err = user_char(*p) ? re_hprintf(pf, "%c", *p) :
			re_hprintf(pf, "%%%02X", *p);

	return err;
}

static bool user_escaped(const char *user)
{
	for (; *user; user++) {
		if (!user_char((unsigned char)*user))
			return true;
	}

	return false;
}

/* A credential as a parameter value of the account line: baresip takes
 * such a value as it is up to the first blank or ';', so every byte but
 * a few that mean nothing to any reader on the way is %HH-encoded, and
 * our acctauth module decodes it on the account. */
static int cred_print(struct re_printf *pf, void *arg)
{
	const unsigned char *p = arg;
	int err = 0;

	for (; *p && !err; p++) {
		bool plain = (*p >= 'a' && *p <= 'z') ||
			(*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			strchr("-_.~!$&'()*+,/:=?@", *p);

		err = plain ? re_hprintf(pf, "%c", *p) :
			re_hprintf(pf, "%%%02X", *p);
	}

	return err;
}

int phone_account_aor(char **aorp, const struct cfg *c, int id)
{
	const char *tp = cfg_str(c, SECT_ACCOUNT, id, "transport");
	struct acc_ref ar = {c, id};

	/* Always sip: libre 1.1.0's sip_request() refuses a sips: route
	 * (ENOSYS); TLS is chosen by the ;transport=tls the account line
	 * adds. */
	(void)tp;
	return re_sdprintf(aorp, "sip:%H@%H", user_print,
			   (void *)cfg_str(c, SECT_ACCOUNT, id, "user"),
			   host_print, &ar);
}


int phone_account_line(char **linep, const struct cfg *c, int id)
{
	const char *user = cfg_str(c, SECT_ACCOUNT, id, "user");
	const char *auth = cfg_str(c, SECT_ACCOUNT, id, "auth-user");
	const char *pass = cfg_str(c, SECT_ACCOUNT, id, "password");
	const char *ob = cfg_str(c, SECT_ACCOUNT, id, "outbound-proxy");
	const char *tp = cfg_str(c, SECT_ACCOUNT, id, "transport");
	bool reg = cfg_bool(c, SECT_ACCOUNT, id, "register");
	char *aor = NULL, *line = NULL, audio[96] = "", stun[300] = "";
	int err;

	err = phone_account_aor(&aor, c, id);
	if (err)
		return err;

	/* baresip answers a challenge with the user part as it stands in
	 * the URI: an escaped user is given unescaped as the auth user. */
	if (!auth[0] && pass[0] && user_escaped(user))
		auth = user;

	/* Media NAT, when a STUN server is set: our sipaddr module's,
	 * which offers the mapped addresses only beyond localnet. */
	if (cfg_str(c, SECT_SIP, 0, "stun-server")[0])
		re_snprintf(stun, sizeof(stun), ";medianat=sipaddr;stunserver="
			    "stun:%s", cfg_str(c, SECT_SIP, 0, "stun-server"));

	/* Calls of the account use the lines' audio. */
	if (gen_have_phoneline())
		re_snprintf(audio, sizeof(audio), ";audio_source=phoneline,%d"
			    ";audio_player=phoneline,%d", id, id);

	err = re_sdprintf(&line, "<%s%s%s>%s%H%s%H%s%s%s;regint=%ld"
			  ";answermode=manual%s%s",
			  aor, strcmp(tp, "udp") ? ";transport=" : "",
			  strcmp(tp, "udp") ? tp : "",
			  auth[0] ? ";auth_user=" : "", cred_print, (void *)auth,
			  pass[0] ? ";auth_pass=" : "", cred_print, (void *)pass,
			  ob[0] ? ";outbound=" : "",
			  ob[0] ? (!strcmp(tp, "tls") ? "sips:" : "sip:") : "",
			  ob,
			  reg ? cfg_int(c, SECT_SIP, 0, "register-interval") : 0L,
			  stun, audio);

	/* baresip 1.0.0's account module reads a line of the accounts file
	 * into 512 bytes and cuts what is longer: refuse, never cut. */
	if (!err && strlen(line) > ACCOUNT_LINE_MAX)
		err = E2BIG;

	if (err)
		mem_deref(line);
	else
		*linep = line;

	mem_deref(aor);
	return err;
}
