/*
 * The schema table itself: rows grouped by section, keys unique, every
 * row documented, every default accepted by its own type in canonical
 * form, and the Advanced SIP view's 25 settings all present.
 */
#include "re_base.h"
#include "schema.h"
#include "unit.h"

static int default_ok(const struct setting *s)
{
	char buf[512], *p, *save = NULL, *canon = NULL;
	struct diag dg;

	if (!s->def || s->type->kind != VK_VALUE)
		return 0;

	str_ncpy(buf, s->def, sizeof(buf));
	for (p = strtok_r(buf, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
		memset(&dg, 0, sizeof(dg));
		if (s->type->parse(s, p, &canon, &dg))
			TEST_ERR("%s: default '%s' refused: %s", s->key, p,
				 dg.err);
		if (strcmp(canon, p))
			TEST_ERR("%s: default '%s' is not canonical ('%s')",
				 s->key, p, canon);
		canon = mem_deref(canon);
		if (!(s->flags & SF_LIST))
			break;
	}

	return 0;
}

int test_schema_rows(void)
{
	size_t i, j, nsip = 0;
	int err;

	for (i = 0; i < schema_n; i++) {
		const struct setting *s = &schema[i];

		if (i && s->sect < schema[i - 1].sect)
			TEST_ERR("row %zu (%s) breaks the section grouping",
				 i, s->key);
		TEST_TRUE(s->key && s->label && s->help && s->doc && s->type);
		TEST_TRUE(s->help[0] && s->doc[0]);

		for (j = 0; j < i; j++) {
			if (schema[j].sect == s->sect &&
			    !strcmp(schema[j].key, s->key))
				TEST_ERR("key '%s' twice", s->key);
		}

		if (s->type == &vt_enum) {
			const char *const *h = setting_enum_help(s);
			size_t k;

			TEST_TRUE(s->enums && s->enums[0]);
			/* The menu's choice list gives each value's meaning. */
			if (!h)
				TEST_ERR("%s: no meaning for its values",
					 s->key);
			for (k = 0; s->enums[k]; k++) {
				if (!h[k] || !h[k][0])
					TEST_ERR("%s: value '%s' has no "
						 "meaning", s->key,
						 s->enums[k]);
			}
			if (h[k])
				TEST_ERR("%s: more meanings than values",
					 s->key);
		}
		/* A reference names, by its key, the section it numbers. */
		if (s->flags & SF_REF)
			TEST_TRUE(section_find(s->key) &&
				  section_find(s->key)->id != s->sect);
		if (s->type == &vt_bool)
			TEST_TRUE(s->def && (!strcmp(s->def, "yes") ||
					     !strcmp(s->def, "no")));

		err = default_ok(s);
		if (err)
			return err;

		TEST_TRUE(schema_find(s->sect, s->key) == s);
		if (s->sect == SECT_SIP)
			++nsip;
	}

	TEST_EQ(nsip, 25);
	TEST_EQ(section_get(SECT_SIP)->count, 25);
	TEST_TRUE(section_find("account") == section_get(SECT_ACCOUNT));
	TEST_TRUE(schema_find(SECT_SIP, "no-such-key") == NULL);

	return 0;
}
