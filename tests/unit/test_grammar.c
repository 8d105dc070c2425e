/*
 * The grammar as a whole: every word of every mode, and every filter,
 * has a help string ('?' would show a blank otherwise), and every path
 * that ends in a command has a handler reachable by the matcher.
 */
#include "re_base.h"
#include "grammar.h"
#include "unit.h"

struct walk_state {
	unsigned nodes, missing, commands;
	char first[256];
};

static int check_node(const struct gnode *n, const struct gnode **path,
		      size_t depth, void *arg)
{
	struct walk_state *ws = arg;
	size_t i, len = 0;

	++ws->nodes;
	if (n->h)
		++ws->commands;

	if (n->help && n->help[0])
		return 0;

	if (!ws->missing++) {
		for (i = 0; i <= depth; i++)
			len += (size_t)re_snprintf(ws->first + len,
						   sizeof(ws->first) - len,
						   "%s ", path[i]->word);
	}

	return 0;
}

int test_grammar_help(void)
{
	const struct grammar *g = grammar_get();
	struct walk_state ws;
	int m;

	memset(&ws, 0, sizeof(ws));

	for (m = 0; m < MODE_N; m++)
		TEST_EQ(gnode_walk(g->root[m], check_node, &ws), 0);
	TEST_EQ(gnode_walk(g->filters, check_node, &ws), 0);

	if (ws.missing)
		TEST_ERR("%u of %u words have no help, the first: '%s'",
			 ws.missing, ws.nodes, ws.first);

	/* Every setting gives at least its set, 'no' and 'default' forms. */
	if (ws.commands < 3 * 25)
		TEST_ERR("only %u commands in %u words", ws.commands,
			 ws.nodes);

	return 0;
}
