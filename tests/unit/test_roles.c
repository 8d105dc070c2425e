/*
 * Tests of the roles (shell/conf/roles.c): the masked rendering for the
 * view group holds no password yet shows what an admin is shown and reads
 * back; the store's modes follow the file's group; a process that never
 * asked has the admin role, root always.
 */
#include "re_base.h"
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pf_mbuf.h"
#include "conf_read.h"
#include "conf_print.h"
#include "store.h"
#include "roles.h"
#include "unit.h"

int test_roles(void);

static const char conf[] =
	"account 1\n"
	" user 1001\n"
	" password Hunter2-secret\n"
	" registrar 192.0.2.1\n"
	"!\n"
	"account 2\n"
	" user 1002\n"
	" registrar 192.0.2.1\n"
	"!\n";

/* The configuration as 'show running-config' prints it (masked). */
static int shown(struct mbuf **mbp, const struct cfg *c)
{
	struct mbuf *mb = mbuf_alloc(1024);
	struct re_printf pf = {pf_mbuf_vph, mb};
	int err;

	if (!mb)
		return ENOMEM;

	err = cfg_print(&pf, c, 0, NULL);
	if (!err)
		err = mbuf_write_u8(mb, 0);
	if (err)
		mem_deref(mb);
	else
		*mbp = mb;

	return err;
}

static int view_text(void)
{
	struct cfg *c = NULL, *v = NULL;
	struct mbuf *text = NULL, *a = NULL, *b = NULL;
	char *s = NULL;
	int err;

	err = cfg_parse_text(&c, "t", conf, NULL);
	if (err)
		TEST_ERR("parse: %s", strerror(err));

	err = roles_view_text(&text, c);
	if (err)
		TEST_ERR("roles_view_text: %s", strerror(err));
	err = re_sdprintf(&s, "%b", text->buf, text->end);
	if (err)
		goto out;

	TEST_TRUE(!strstr(s, "Hunter2"));
	TEST_TRUE(strstr(s, " password " ROLES_VIEW_SECRET "\n") != NULL);

	/* It reads back, and shows exactly what the real file shows. */
	err = cfg_parse_text(&v, "view", s, NULL);
	if (err)
		TEST_ERR("the view does not parse: %s", strerror(err));
	TEST_STR(cfg_str(v, SECT_ACCOUNT, 1, "password"), ROLES_VIEW_SECRET);
	TEST_TRUE(!cfg_str(v, SECT_ACCOUNT, 2, "password") ||
		  !*cfg_str(v, SECT_ACCOUNT, 2, "password"));

	err = shown(&a, c);
	if (!err)
		err = shown(&b, v);
	if (err)
		goto out;
	TEST_STR((char *)b->buf, (char *)a->buf);

 out:
	mem_deref(a);
	mem_deref(b);
	mem_deref(s);
	mem_deref(text);
	mem_deref(v);
	mem_deref(c);
	return err;
}

static int store_modes(void)
{
	char dir[] = "/tmp/sipsh-roles.XXXXXX", path[64], hist[80];
	struct stat st;
	mode_t dmode = 0;
	gid_t admin;
	int err = 0;

	/* A group that is not the admin group: private to the owner. */
	if (roles_gid(roles_admin_group(), &admin) || admin != 0) {
		TEST_EQ(roles_store_mode(0, &dmode), 0600);
		TEST_EQ(dmode, 0700);
	}

	/* The rest needs the admin group and root, to give a file to it. */
	if (roles_gid(roles_admin_group(), &admin) || geteuid() != 0)
		return 0;

	TEST_EQ(roles_store_mode(admin, &dmode), 0660);
	TEST_EQ(dmode, 0770);

	if (!mkdtemp(dir))
		return errno;
	re_snprintf(path, sizeof(path), "%s/c.conf", dir);
	re_snprintf(hist, sizeof(hist), "%s.history", path);

	err = unit_put(path, "");
	if (!err && chown(path, 0, admin))
		err = errno;
	if (!err)
		err = store_save(path, "sip\n bind-port 5070\n!\n", 22, NULL);
	if (err)
		goto out;

	if (stat(path, &st) || (st.st_mode & 07777) != 0660 ||
	    st.st_gid != admin) {
		err = EINVAL;
		TEST_ERR("a file of the admin group: mode %o, group %u",
			 (unsigned)(st.st_mode & 07777), (unsigned)st.st_gid);
	}
	if (stat(hist, &st) || (st.st_mode & 07777) != 0770) {
		err = EINVAL;
		TEST_ERR("its history: mode %o", (unsigned)(st.st_mode & 07777));
	}

 out:
	(void)unit_scratch_remove(dir);
	return err;
}

int test_roles(void)
{
	int err;

	TEST_EQ(roles_self(), ROLE_ADMIN);
	if (geteuid() == 0)
		TEST_EQ(roles_of("/nonexistent/dir/file"), ROLE_ADMIN);

	err = view_text();
	if (!err)
		err = store_modes();

	return err;
}
