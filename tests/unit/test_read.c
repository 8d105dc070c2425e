/*
 * The file reader (shell/conf/conf_read.c): what files may hold is read
 * as it always was (abbreviations, quotes, comments, 'no' and 'default',
 * sections closed by '!' or 'exit' or by the next section's command,
 * blocks ended by 'quit'), each refusal names FILE:LINE:COL with the
 * message the shell's own would give, a byte that has no place in a
 * text file refuses the file, and a list of 40,000 values loads right.
 */
#include "re_base.h"
#include "pf_mbuf.h"
#include "conf_read.h"
#include "conf_print.h"
#include "unit.h"

int test_conf_read(void);
int test_conf_read_big(void);

/* A CA certificate valid for a century, as the printer indents it. */
#define CA_PEM \
	"  -----BEGIN CERTIFICATE-----\n" \
	"  MIIBpTCCAUugAwIBAgIUGxA9sgx/x2bFnZq7TNERI4P10cowCgYIKoZIzj0EAwIw\n" \
	"  HzEdMBsGA1UEAwwUc2lwc2ggcmVhZGVyIHRlc3QgQ0EwIBcNMjYxMjAxMDg0NzUx\n" \
	"  WhgPMjEyNjExMDcwODQ3NTFaMB8xHTAbBgNVBAMMFHNpcHNoIHJlYWRlciB0ZXN0\n" \
	"  IENBMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEeYtpkC12gLwv743QmJf8WZdd\n" \
	"  uEh/jhxAKkgho7idrt0Ff1Nm4+OKee8krgecTQdSAtzHAuCQmzFcgjCz7gyHO6Nj\n" \
	"  MGEwHQYDVR0OBBYEFLTZ2piFJcUAptWaskOjuguuv1c8MB8GA1UdIwQYMBaAFLTZ\n" \
	"  2piFJcUAptWaskOjuguuv1c8MA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQD\n" \
	"  AgEGMAoGCCqGSM49BAMCA0gAMEUCIBN73iZgpNjuuzl8IEsEguEc7Q8ILm1Rt6LT\n" \
	"  IHLPMqGbAiEA28trnyEdF9sy3QyCTScyn8bN5b1hnU9VNiTFd9fxwSI=\n" \
	"  -----END CERTIFICATE-----\n"

struct read_case {
	const char *in;
	size_t len;             /* 0: strlen(in) */
	int err;                /* 0, or EINVAL: the file is refused */
	const char *msg;        /* everything said, exactly; NULL: unchecked */
	const char *has;        /* a part of the file printed back, or NULL */
	const char *hasnot;     /* must not be in it, or NULL */
};

static const struct read_case cases[] = {
	/* What printed files hold, and what people write by hand. */
	{"sip\n bind-port 5070\n!\n", 0, 0, "", " bind-port 5070\n", NULL},
	{"sip\n bind-p 5070\n dtmf in\n no srv\n diff sip AF31\n"
	 " DNS-MANAGER-R 120\n", 0, 0, "",
	 "sip\n bind-port 5070\n dtmf-mode inband\n no srv-lookup\n"
	 " dns-manager-refresh 120\n diffserv sip af31\n!\n", NULL},
	{"SIP\n BIND-PORT 5070\n", 0, 0, "", " bind-port 5070\n", NULL},
	{"sip\r\n bind-port 5070\r\n!\r\n", 0, 0, "", " bind-port 5070\n",
	 NULL},
	{"sip\n bind-port 5070", 0, 0, "", " bind-port 5070\n", NULL},
	{"sip\n\tbind-port\t5070  \n\t!\n", 0, 0, "", " bind-port 5070\n",
	 NULL},
	{"! c\nsip\n ! indented\n !x\n\n \n bind-port 5070\n", 0, 0, "",
	 " bind-port 5070\n", NULL},
	{"sip\n bind-port 5070\naccount 1\n user 5\n registrar r\n", 0, 0, "",
	 "account 1\n user 5\n registrar r\n!\n", NULL},
	{"account 1\n user 5\nexit\nexit\nend\nsip\n end\n", 0, 0, "",
	 "account 1\n user 5\n!\n", NULL},
	{"line 0\n name \"a \\\"q\\\" \\\\ n\"\n account 1\n", 0, 0, "",
	 " name \"a \\\"q\\\" \\\\ n\"\n", NULL},
	{"sip\n no localnet\n localnet 1.2.3.0/24\n localnet 1.2.3.0/24\n",
	 0, 0, "", " no localnet\n localnet 1.2.3.0/24\n!\n", NULL},
	{"sip\n proxy a.example\n no proxy a.example\n", 0, 0, "", NULL,
	 "proxy"},
	{"sip\n bind-port 5070\n default bind-port\n no dtmf-mode sip-info\n",
	 0, 0, "", NULL, "\nsip\n"},
	{"account 1\n password pw\n password ********\n", 0, 0, "",
	 " password pw\n", NULL},
	{"account 1\n user 1\n!\nno account 1\n", 0, 0, "", NULL,
	 "account"},
	/* In a line section 'no account N' is the line's own setting. */
	{"line 0\n account 2\n no account 1\n", 0, 0, "", "line 0\n!\n",
	 NULL},
	{"sip\n tls-version tlsv1\n", 0, 0,
	 "f:2:14: warning: tls-version: tlsv1 (TLS 1.0) is refused by "
	 "OpenSSL 3 at its default security level; loaded as 1.2, the "
	 "lowest safe version\n", NULL, NULL},
	{"sip\n trusted-ca\n" CA_PEM "  quit\n bind-port 5070\n", 0, 0, NULL,
	 " trusted-ca\n  -----BEGIN CERTIFICATE-----\n", NULL},

	/* Refusals: the first one is said, and the whole file refused. */
	{"sip\n bind-port 5070\n dtmf-mode pulse\n dtmf-mode x\n", 0, EINVAL,
	 "f:3:12: dtmf-mode: 'pulse' is not one of: compatibility, rfc2833, "
	 "sip-info, inband\n", NULL, NULL},
	{"bind-port 5060\n", 0, EINVAL,
	 "f:1:1: Invalid input 'bind-port'\n", NULL, NULL},
	{"sip\n r 5\n", 0, EINVAL,
	 "f:2:2: Ambiguous command 'r': rtp-port-range, register-interval, "
	 "realm, register-attempts, register-timeout, "
	 "register-backoff-attempts, register-backoff-timeout, "
	 "remote-hold\n", NULL, NULL},
	{"sip\n bind-port\n", 0, EINVAL, "f:2:11: Incomplete command\n",
	 NULL, NULL},
	{"sip\n diffserv\n", 0, EINVAL, "f:2:10: Incomplete command\n",
	 NULL, NULL},
	{"sip\n bind-port 5060 x\n", 0, EINVAL, "f:2:17: Invalid input 'x'\n",
	 NULL, NULL},
	{"sip\n bind-port 5060?\n", 0, EINVAL,
	 "f:2:12: bind-port: '5060?' is not a number\n", NULL, NULL},
	{"sip\n bind-port 5060 | x\n", 0, EINVAL,
	 "f:2:17: Invalid input '|': this command prints nothing to "
	 "filter\n", NULL, NULL},
	{"| x\n", 0, EINVAL,
	 "f:1:1: Invalid input '|': no command before it\n", NULL, NULL},
	{"sip\n user-agent \"abc\n", 0, EINVAL,
	 "f:2:13: unterminated quote\n", NULL, NULL},
	{"\"sip\"\n", 0, EINVAL, "f:1:1: Invalid input 'sip'\n", NULL, NULL},
	{"account 9\n", 0, EINVAL, "f:1:9: '9' is out of range <1-8>\n",
	 NULL, NULL},
	{"account x\n", 0, EINVAL, "f:1:9: 'x' is not a number in <1-8>\n",
	 NULL, NULL},
	{"no account 1\n", 0, EINVAL, "f:1:12: account 1 is not configured\n",
	 NULL, NULL},
	{"account 1\n user 1\naccount 2\n no account 1\n user 2\n", 0, EINVAL,
	 "f:5:2: Invalid input 'user'\n", NULL, NULL},
	{"sip\n no proxy p.example\n", 0, EINVAL,
	 "f:2:11: proxy: 'p.example' is not in the list\n", NULL, NULL},
	{"account 1\n password ********\n", 0, EINVAL,
	 "f:2:11: password: '********' is the masked form of a stored "
	 "password, and none is stored; type the password itself\n",
	 NULL, NULL},
	{"account 1\n password\n", 0, EINVAL,
	 "f:2:10: password needs a value here (it is asked for without "
	 "echo only at a terminal)\n", NULL, NULL},
	/* The shell's own commands are not part of a file. */
	{"sip\n commit\n", 0, EINVAL, "f:2:2: Invalid input 'commit'\n",
	 NULL, NULL},
	{"sip\n do show version\n", 0, EINVAL, "f:2:2: Invalid input 'do'\n",
	 NULL, NULL},
	{"sip\n trusted-ca\n" CA_PEM, 0, EINVAL,
	 "f:2:2: Block ended before its line 'quit'\n", NULL, NULL},
	{"sip\n trusted-ca\n garbage\n quit\n", 0, EINVAL,
	 "f:2:2: trusted-ca: line 1: not part of a PEM block: 'garbage'\n",
	 NULL, NULL},

	/* Bytes that have no place in the file's text. */
	{"sip\n bind-port 5070\0\n!\n", 23, EINVAL,
	 "f:2:16: a NUL byte in the line\n", NULL, NULL},
	{"sip\n bind-port 5070\n!\n\0", 23, EINVAL,
	 "f:4:1: a NUL byte in the line\n", NULL, NULL},
	{"sip\r bind-port 5070\r!\r", 0, EINVAL,
	 "f:1:4: a carriage return not followed by a line feed (lines must "
	 "end with LF or CR LF)\n", NULL, NULL},
	{"sip\n bind-port 5070\r\r\n", 0, EINVAL,
	 "f:2:16: a carriage return not followed by a line feed (lines must "
	 "end with LF or CR LF)\n", NULL, NULL},
	{"\xef\xbb\xbfsip\n bind-port 5070\n", 0, EINVAL,
	 "f:1:1: a UTF-8 byte-order mark at the start of the file\n",
	 NULL, NULL},
};

static int printed(char **textp, const struct cfg *c)
{
	struct mbuf *mb = mbuf_alloc(1024);
	struct re_printf pf = {pf_mbuf_vph, mb};
	int err;

	if (!mb)
		return ENOMEM;

	err = cfg_print(&pf, c, PR_SECRETS, NULL);
	if (!err)
		err = mbuf_write_u8(mb, 0);
	if (!err)
		err = str_dup(textp, (const char *)mb->buf);

	mem_deref(mb);
	return err;
}

static int run_case(size_t n, const struct read_case *rc)
{
	struct mbuf *mb = mbuf_alloc(256);
	struct re_printf pf = {pf_mbuf_vph, mb};
	struct cfg *c = (struct cfg *)&pf;   /* untouched on a refusal */
	size_t len = rc->len ? rc->len : strlen(rc->in);
	char *msg = NULL, *out = NULL;
	int err, ret = 0;

	if (!mb)
		return ENOMEM;

	err = cfg_parse_buf(&c, "f", rc->in, len, &pf);
	if (!mbuf_write_u8(mb, 0))
		msg = (char *)mb->buf;

	if (err != rc->err) {
		fprintf(stderr, "case %zu: %d, expected %d; said:\n%s", n, err,
			rc->err, msg ? msg : "");
		ret = EINVAL;
		goto out;
	}
	if (rc->msg && (!msg || strcmp(msg, rc->msg))) {
		fprintf(stderr, "case %zu said:\n%sexpected:\n%s", n,
			msg ? msg : "", rc->msg);
		ret = EINVAL;
		goto out;
	}
	if (err) {
		if (c != (struct cfg *)&pf) {
			fprintf(stderr, "case %zu: refused, but *cp set\n", n);
			ret = EINVAL;
		}
		goto out;
	}

	ret = printed(&out, c);
	if (ret)
		goto out;
	if ((rc->has && !strstr(out, rc->has)) ||
	    (rc->hasnot && strstr(out, rc->hasnot))) {
		fprintf(stderr, "case %zu printed back:\n%s", n, out);
		ret = EINVAL;
	}
	mem_deref(c);

 out:
	mem_deref(out);
	mem_deref(mb);
	return ret;
}

int test_conf_read(void)
{
	size_t i;
	int err = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (run_case(i, &cases[i]))
			err = EINVAL;
	}

	return err;
}

#define BIG_N 40000

/*
 * 40,000 localnet lines (the reader and the list must both be linear in
 * it to load in time), one of them twice, one removed in the middle and
 * added again: the list holds each once, in order, the removed one last.
 */
int test_conf_read_big(void)
{
	const struct setting *ln = schema_find(SECT_SIP, "localnet");
	struct mbuf *mb = mbuf_alloc(BIG_N * 32);
	struct cfg *c = NULL, *d = NULL;
	const struct val *v;
	char *out = NULL;
	size_t i;
	int err;

	if (!mb)
		return ENOMEM;

	err = mbuf_printf(mb, "sip\n no localnet\n");
	for (i = 0; i < BIG_N && !err; i++)
		err = mbuf_printf(mb, " localnet 10.%zu.%zu.0/24\n", i / 256,
				  i % 256);
	if (!err)
		err = mbuf_printf(mb, " localnet 10.0.7.0/24\n"
				  " no localnet 10.1.2.0/24\n"
				  " localnet 10.1.2.0/24\n"
				  " localnet 10.1.2.0/24\n!\n");
	if (err)
		goto out;

	err = cfg_parse_buf(&c, "big", (const char *)mb->buf, mb->end, NULL);
	if (err)
		TEST_ERR("the big file is refused: %d", err);

	v = inst_val(cfg_inst(c, SECT_SIP, 0), ln);
	TEST_EQ(v->n, BIG_N);
	TEST_STR(v->v[0], "10.0.0.0/24");
	TEST_STR(v->v[7], "10.0.7.0/24");
	TEST_STR(v->v[258], "10.1.3.0/24");
	TEST_STR(v->v[BIG_N - 2], "10.156.63.0/24");
	TEST_STR(v->v[BIG_N - 1], "10.1.2.0/24");

	/* Printed and read back, it is the same list. */
	err = printed(&out, c);
	if (!err)
		err = cfg_parse_text(&d, "big", out, NULL);
	if (err)
		goto out;
	TEST_TRUE(cfg_equal(c, d));

 out:
	mem_deref(out);
	mem_deref(c);
	mem_deref(d);
	mem_deref(mb);
	return err;
}
