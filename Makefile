# sipsh: build, run, test and install.
#
#   make          build everything into build/
#   make run      build, set up run/ with the default configuration, start the shell
#   make check    install what the tests need, then run the whole test suite
#   make install  PREFIX=/usr DESTDIR=...

PREFIX  ?= /usr/local
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
RUNSTATEDIR ?= /run
# The accounts sshd confines to the shell (etc/ssh/sshd-sipsh.conf.in).
SSH_GROUP ?= sipsh-login
# Where 'make run' keeps its configuration and state.
RUN     ?= run
DESTDIR ?=
VERSION := 0.1.0

CC      ?= cc
PKGS    := libre libedit openssl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 $(WARN) -D_GNU_SOURCE -DHAVE_STDBOOL_H -DHAVE_INTTYPES_H \
	   -DHAVE_INET6 -DSIPSH_VERSION='"$(VERSION)"' \
	   -DSIPSH_SYSCONFDIR='"$(SYSCONFDIR)"' \
	   -DSIPSH_RUNDIR='"$(RUNSTATEDIR)/sipsh"' \
	   -DSIPSH_MODDIR='"$(PREFIX)/lib/sipsh/modules"' \
	   -Ishell/conf -Ishell/phone -Ishell/engine -Imodules $(PKG_CFLAGS)
LDLIBS  += $(PKG_LIBS)

B       := build
CORE_SRC := $(wildcard shell/*/*.c) $(wildcard modules/*.c)
CORE_SRC := $(filter-out shell/main.c,$(CORE_SRC))
# sipwire's INVITE filter decision is plain libre code: unit-tested here.
UNIT_SRC := $(wildcard tests/unit/*.c) baresip-mods/sipwire/ratetable.c \
	    baresip-mods/sipwire/verdict.c baresip-mods/sipwire/allow.c

CORE_OBJ := $(CORE_SRC:%.c=$(B)/obj/%.o)
UNIT_OBJ := $(UNIT_SRC:%.c=$(B)/obj/%.o)
ASAN_CORE_OBJ := $(CORE_SRC:%.c=$(B)/asan/%.o)
# The text of sipsh(1)'s commands, built in for 'help COMMAND'.
CORE_OBJ += $(B)/obj/gen/man_help.o
ASAN_CORE_OBJ += $(B)/asan/gen/man_help.o
ASAN_UNIT_OBJ := $(UNIT_SRC:%.c=$(B)/asan/%.o)
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined

.PHONY: all deps run stop check unit install clean man bench

all: $(B)/sipsh $(B)/unit-tests $(B)/man/sipsh.conf.5

$(B)/obj/%.o: %.c $(wildcard shell/*/*.h modules/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/asan/%.o: %.c $(wildcard shell/*/*.h modules/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -O1 $(SAN) -c -o $@ $<

# sipsh(1) as mandoc renders it, its COMMANDS made a C table by
# man/manhelp.awk; without mandoc the table is empty and 'help' says so.
$(B)/gen/man_help.c: man/sipsh.1 man/manhelp.awk
	@mkdir -p $(dir $@)
	@if command -v mandoc >/dev/null 2>&1; then \
		mandoc -Tascii man/sipsh.1 | sed 's/.\x08//g'; \
	 fi | awk -f man/manhelp.awk >$@.tmp
	@mv $@.tmp $@

$(B)/obj/gen/man_help.o: $(B)/gen/man_help.c modules/man_help.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/asan/gen/man_help.o: $(B)/gen/man_help.c modules/man_help.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -O1 $(SAN) -c -o $@ $<

$(B)/libsipsh.a: $(CORE_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/sipsh: $(B)/obj/shell/main.o $(B)/libsipsh.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/unit-tests: $(UNIT_OBJ) $(B)/libsipsh.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/unit-tests-asan: $(ASAN_UNIT_OBJ) $(ASAN_CORE_OBJ)
	$(CC) $(LDFLAGS) $(SAN) -o $@ $^ $(LDLIBS)

$(B)/sipsh-asan: $(B)/asan/shell/main.o $(ASAN_CORE_OBJ)
	$(CC) $(LDFLAGS) $(SAN) -o $@ $^ $(LDLIBS)

# sipwire's decision and its unit test follow the module's headers.
SIPWIRE_UNIT_OBJ := $(filter %/ratetable.o %/verdict.o %/allow.o %/test_verdict.o,\
		    $(UNIT_OBJ) $(ASAN_UNIT_OBJ))
$(SIPWIRE_UNIT_OBJ): $(wildcard baresip-mods/sipwire/*.h)
$(SIPWIRE_UNIT_OBJ): CFLAGS += -Ibaresip-mods/include -Ibaresip-mods/common

# sipsh.conf(5) is made from the schema: man/mkman, linked with the core,
# replaces the template's line '.\" @SETTINGS@' with every setting.
$(B)/mkman: $(B)/obj/man/mkman.o $(B)/libsipsh.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/man/sipsh.conf.5: man/sipsh.conf.5.in $(B)/mkman
	@mkdir -p $(dir $@)
	$(B)/mkman <man/sipsh.conf.5.in >$@.tmp
	mv $@.tmp $@

man: $(B)/man/sipsh.conf.5

# The values compiled into the objects (the default configuration path,
# the version) follow PREFIX: 'make && make install PREFIX=/usr' must not
# install a binary that looks for its file under /usr/local. The objects
# that use them are rebuilt when they change.
$(B)/build-vars: FORCE
	@mkdir -p $(B)
	@echo '$(BUILD_VARS)' | cmp -s - $@ 2>/dev/null || \
		echo '$(BUILD_VARS)' >$@

BUILD_VARS = SIPSH_MODULES=$(BMOD_NAMES) SYSCONFDIR=$(SYSCONFDIR) \
	     VERSION=$(VERSION) PREFIX=$(PREFIX) RUNSTATEDIR=$(RUNSTATEDIR) \
	     ADMIN_GROUP=$(ADMIN_GROUP) VIEW_GROUP=$(VIEW_GROUP)

$(B)/obj/shell/main.o $(B)/asan/shell/main.o: $(B)/build-vars
$(B)/obj/shell/conf/roles.o $(B)/asan/shell/conf/roles.o: $(B)/build-vars

# The groups of the roles (sipsh(1) ROLES): defined here alone.
ADMIN_GROUP ?= sipsh-admin
VIEW_GROUP  ?= sipsh-view
$(B)/obj/shell/conf/roles.o $(B)/asan/shell/conf/roles.o: \
	CFLAGS += -DSIPSH_ADMIN_GROUP='"$(ADMIN_GROUP)"' \
		  -DSIPSH_VIEW_GROUP='"$(VIEW_GROUP)"'
$(B)/obj/modules/system.o $(B)/asan/modules/system.o: $(B)/build-vars
$(B)/obj/shell/phone/phone_paths.o $(B)/asan/shell/phone/phone_paths.o: $(B)/build-vars
$(B)/obj/shell/phone/frontend.o $(B)/asan/shell/phone/frontend.o: $(B)/build-vars

# The phone refuses to start without the baresip modules built here.
$(B)/obj/shell/phone/phone_paths.o $(B)/asan/shell/phone/phone_paths.o: \
	CFLAGS += -DSIPSH_MODULES='"$(BMOD_NAMES:%=%.so)"'

.PHONY: FORCE
FORCE:

# The Debian packages sipsh builds with and tests against. Installed only
# when missing, with a single apt-get update; silent when all are there.
DEB_BUILD := pkg-config gcc make mandoc libedit-dev libncurses-dev libre-dev \
	     librem-dev libssl-dev baresip-core
DEB_TEST  := kamailio kamailio-tls-modules linphone-cli tshark tmux openssh-server dnsmasq \
	     coturn runit clang libclang-rt-14-dev mandoc valgrind procps iproute2 \
	     python3 strace gdb openssl systemd bc
deps:
	@./tests/tools/deps.sh $(DEB_BUILD) $(DEB_TEST)

# The phone starts on RUN/sipsh.conf with its runtime directory RUN/var,
# recorded beside the file (RUN/.sipsh.conf.run-dir), so that any later
# 'build/sipsh -C RUN/sipsh.conf' drives this phone without being told.
run: deps
	@$(MAKE) -s --no-print-directory -j2 all
	@./etc/setup-run.sh $(RUN)
	@$(RUN_ENV) $(B)/sipsh -C $(RUN)/sipsh.conf -c 'phone start' || \
		echo "make run: the phone did not start; the shell runs anyway"
	@echo "make run: the shell on $(RUN)/sipsh.conf; in other terminals," \
		"$(B)/sipsh -C $(RUN)/sipsh.conf; 'make stop' stops the phone"
	@$(RUN_ENV) exec $(B)/sipsh -C $(RUN)/sipsh.conf

RUN_ENV = SIPSH_RUNDIR=$(RUN)/var

# Stop the phone 'make run' started; its runsv and svlogd end with it.
stop:
	@$(RUN_ENV) $(B)/sipsh -C $(RUN)/sipsh.conf -c 'phone stop'

unit: $(B)/unit-tests $(B)/unit-tests-asan
	./$(B)/unit-tests
	./$(B)/unit-tests-asan

check: deps
	@$(MAKE) -s --no-print-directory all $(B)/unit-tests-asan $(B)/sipsh-asan fuzzers
	@./tests/run.sh

# Speed and memory, measured side by side with plain baresip (bench/).
bench: deps
	@$(MAKE) -s --no-print-directory all
	@./bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(SYSCONFDIR)/sipsh
	install -m 0755 $(B)/sipsh $(DESTDIR)$(PREFIX)/bin/sipsh
	test -e $(DESTDIR)$(SYSCONFDIR)/sipsh/sipsh.conf || \
		install -m 0600 etc/sipsh.conf $(DESTDIR)$(SYSCONFDIR)/sipsh/sipsh.conf
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 0644 man/sipsh.1 $(DESTDIR)$(PREFIX)/share/man/man1/sipsh.1
	install -m 0644 $(B)/man/sipsh.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/sipsh.conf.5
	install -d $(DESTDIR)$(PREFIX)/lib/sipsh/modules
	for m in $(B)/baresip-mods/*.so; do \
		[ -e "$$m" ] && install -m 0644 "$$m" $(DESTDIR)$(PREFIX)/lib/sipsh/modules/; \
	done; true
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system $(DESTDIR)$(SYSCONFDIR)/sv/sipsh-phone
	sed -e 's|@BINDIR@|$(PREFIX)/bin|g' -e 's|@RUNDIR@|$(RUNSTATEDIR)/sipsh|g' \
		-e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' etc/sipsh-phone.service.in \
		>$(DESTDIR)$(PREFIX)/lib/systemd/system/sipsh-phone.service
	sed -e 's|@BINDIR@|$(PREFIX)/bin|g' -e 's|@RUNDIR@|$(RUNSTATEDIR)/sipsh|g' \
		-e 's|@ADMIN_GROUP@|$(ADMIN_GROUP)|g' \
		etc/runit/sipsh-phone/run.in >$(DESTDIR)$(SYSCONFDIR)/sv/sipsh-phone/run
	chmod 0755 $(DESTDIR)$(SYSCONFDIR)/sv/sipsh-phone/run
	install -d $(DESTDIR)$(PREFIX)/lib/tmpfiles.d
	sed -e 's|@RUNDIR@|$(RUNSTATEDIR)/sipsh|g' -e 's|@ADMIN_GROUP@|$(ADMIN_GROUP)|g' \
		etc/tmpfiles.d/sipsh.conf.in >$(DESTDIR)$(PREFIX)/lib/tmpfiles.d/sipsh.conf
	install -d $(DESTDIR)$(SYSCONFDIR)/ssh/sshd_config.d
	sed -e 's|@BINDIR@|$(PREFIX)/bin|g' -e 's|@SSH_GROUP@|$(SSH_GROUP)|g' \
		-e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' etc/ssh/sshd-sipsh.conf.in \
		>$(DESTDIR)$(SYSCONFDIR)/ssh/sshd_config.d/sipsh.conf
	chmod 0644 $(DESTDIR)$(SYSCONFDIR)/ssh/sshd_config.d/sipsh.conf

clean:
	rm -rf $(B)

# Baresip modules (loaded into Debian's /usr/bin/baresip, see
# baresip-mods/include/baresip.h): every directory baresip-mods/NAME other
# than include/ and common/ that holds C sources is one module, built as
# build/baresip-mods/NAME.so from baresip-mods/NAME/*.c plus
# baresip-mods/common/*.c. Only the module's "exports" symbol is visible;
# baresip's own symbols resolve at load time.
BMOD_NAMES  := $(filter-out common include,$(notdir $(patsubst %/,%,\
	       $(sort $(dir $(wildcard baresip-mods/*/*.c))))))
BMODS       := $(BMOD_NAMES:%=$(B)/baresip-mods/%.so)
BMOD_COMMON := $(wildcard baresip-mods/common/*.c)
BMOD_HDRS   := $(wildcard baresip-mods/include/*.h baresip-mods/common/*.h) \
	       shell/conf/re_base.h
BMOD_CFLAGS := -std=c11 -O2 -g $(WARN) -D_GNU_SOURCE -fPIC \
	       -fvisibility=hidden -ffunction-sections -fdata-sections \
	       -Ibaresip-mods/include -Ibaresip-mods/common \
	       -Ishell/conf $(shell pkg-config --cflags libre 2>/dev/null)
# Each module is mapped into the phone whole (the kernel maps the pages
# around every one touched): the common/ code a module does not call is
# left out, and code and read-only data share segments instead of each
# starting a page of its own (about 10 KB a module, in every phone).
BMOD_LDFLAGS := -Wl,--gc-sections -Wl,-z,noseparate-code
BMOD_LIBS   := $(shell pkg-config --libs libre 2>/dev/null)

all: $(BMODS)

# The pinned versions (baresip.h) must be what we build against.
$(B)/baresip-mods/versions.ok: baresip-mods/include/baresip.h
	@mkdir -p $(dir $@)
	@lw=$$(sed -n 's/^#define SIPSH_LIBRE_VERSION *"\(.*\)"/\1/p' $<); \
	 bw=$$(sed -n 's/^#define SIPSH_BARESIP_VERSION *"\(.*\)"/\1/p' $<); \
	 lh=$$(pkg-config --modversion libre 2>/dev/null); \
	 if [ "$$lw" != "$$lh" ]; then \
		echo "baresip-mods: built for libre $$lw, found libre '$$lh'" >&2; \
		exit 1; fi; \
	 if [ -x /usr/bin/baresip ] && \
	    ! grep -q -a -F "baresip v$$bw (" /usr/bin/baresip; then \
		echo "baresip-mods: /usr/bin/baresip is not baresip $$bw" >&2; \
		exit 1; fi
	@touch $@

.SECONDEXPANSION:
$(B)/baresip-mods/%.so: $$(wildcard baresip-mods/$$*/*.c) \
		$$(wildcard baresip-mods/$$*/*.h) $(BMOD_COMMON) \
		$(BMOD_HDRS) $(B)/baresip-mods/versions.ok
	@mkdir -p $(dir $@)
	$(CC) $(BMOD_CFLAGS) $(BMOD_LDFLAGS) -shared -o $@ $(filter %.c,$^) \
		$(BMOD_LIBS)

# The tools around the simulated phone line (tools/): sipsh-phone, the
# telephone a person or a test plugs into a line, installed; tone-analyze
# and mkwav, which make and measure test audio, and sipflood, the INVITE
# flood of t-flood and the flood benchmark, for the tests only.
TOOL_CFLAGS := $(CFLAGS) -Ibaresip-mods/phoneline -Itools
TOOL_DEPS   := tools/wav.c tools/wav.h baresip-mods/phoneline/sim_proto.h

all: $(B)/sipsh-phone $(B)/tone-analyze $(B)/mkwav $(B)/sipflood

$(B)/sipsh-phone: tools/sipsh-phone.c $(TOOL_DEPS) $(B)/build-vars
	@mkdir -p $(dir $@)
	$(CC) $(TOOL_CFLAGS) $(LDFLAGS) -pthread -o $@ tools/sipsh-phone.c \
		tools/wav.c -lm

$(B)/tone-analyze: tools/tone_analyze.c $(TOOL_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(TOOL_CFLAGS) $(LDFLAGS) -o $@ tools/tone_analyze.c tools/wav.c -lm

$(B)/sipflood: tools/sipflood.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ tools/sipflood.c

$(B)/mkwav: tools/mkwav.c $(TOOL_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(TOOL_CFLAGS) $(LDFLAGS) -o $@ tools/mkwav.c tools/wav.c -lm

.PHONY: install-phone-tool install-groups
# The roles' groups (sipsh(1), Roles), made on the system installed to;
# into a staging root (DESTDIR) a package's own scripts make them.
install: install-groups
install-groups:
	@[ -n "$(DESTDIR)" ] || for g in $(ADMIN_GROUP) $(VIEW_GROUP) $(SSH_GROUP); do \
		getent group "$$g" >/dev/null || groupadd --system "$$g" || exit 1; \
	done

install: install-phone-tool
install-phone-tool: $(B)/sipsh-phone
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(B)/sipsh-phone $(DESTDIR)$(PREFIX)/bin/sipsh-phone
	install -m 0644 man/sipsh-phone.1 \
		$(DESTDIR)$(PREFIX)/share/man/man1/sipsh-phone.1

# siptls calls OpenSSL itself (its own TLS context for SIP).
$(B)/baresip-mods/siptls.so: BMOD_LIBS += -lssl -lcrypto

# phoneline: librem's headers (enum aufmt), libm for the tone table.
$(B)/baresip-mods/phoneline.so: BMOD_CFLAGS += $(shell pkg-config --cflags librem 2>/dev/null)
$(B)/baresip-mods/phoneline.so: BMOD_LIBS += -lm -lpthread

# The setup menu (menus/): sipsh-menu, a front-end on the configuration
# core (libsipsh.a) drawn with ncurses' form and menu libraries, and its
# man page. It includes no header of the command engine.
MENU_SRC  := $(wildcard menus/*.c)
MENU_OBJ  := $(MENU_SRC:%.c=$(B)/obj/%.o)
MENU_PKGS := formw menuw ncursesw
MENU_CFLAGS := $(shell pkg-config --cflags $(MENU_PKGS) 2>/dev/null) -Imenus
MENU_LIBS := $(or $(shell pkg-config --libs $(MENU_PKGS) 2>/dev/null),\
	     -lformw -lmenuw -lncursesw -ltinfo)

all: $(B)/sipsh-menu

$(MENU_OBJ): $(B)/obj/%.o: %.c $(wildcard menus/*.h shell/conf/*.h \
		shell/phone/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -Ishell/engine -Imodules,$(CFLAGS)) $(MENU_CFLAGS) \
		-c -o $@ $<

$(B)/obj/menus/main.o: $(B)/build-vars

$(B)/sipsh-menu: $(MENU_OBJ) $(B)/libsipsh.a
	$(CC) $(LDFLAGS) -o $@ $^ $(MENU_LIBS) $(LDLIBS)

.PHONY: install-menu
install: install-menu
install-menu: $(B)/sipsh-menu
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(B)/sipsh-menu $(DESTDIR)$(PREFIX)/bin/sipsh-menu
	install -m 0644 man/sipsh-menu.1 \
		$(DESTDIR)$(PREFIX)/share/man/man1/sipsh-menu.1

# Fuzzing (tests/fuzz/): libFuzzer targets built with clang, ASan and
# UBSan, each linked with only what it fuzzes: the configuration core
# (shell/conf: it stands without the engine), or the pure functions of our
# baresip modules with libre (no baresip). Code the targets share lives in
# tests/fuzz/lib/. 'make check' runs each a few seconds on its committed
# seed corpus (tests/t-fuzz.sh); 'make fuzz FUZZ_SECONDS=N' runs each for N
# seconds (default 60), adding what it finds to a corpus under build/.
FUZZ_CC      := clang
FUZZ_SAN     := -fsanitize=fuzzer-no-link,address,undefined \
		-fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS  := $(filter-out -Ishell/engine -Imodules -Ishell/phone,$(CFLAGS)) \
		-Itests/fuzz/lib -Ibaresip-mods/include -Ibaresip-mods/common \
		-Ibaresip-mods/ctrl -Ibaresip-mods/phoneline -Ibaresip-mods/sipwire
FUZZ_NAMES   := $(notdir $(basename $(wildcard tests/fuzz/fuzz_*.c)))
FUZZERS      := $(FUZZ_NAMES:%=$(B)/fuzz/%)
FUZZ_CORE    := $(wildcard shell/conf/*.c)
FUZZ_SECONDS ?= 60

# What each target links besides its own source.
FUZZ_SRC_fuzz_conf    := $(FUZZ_CORE)
FUZZ_SRC_fuzz_value   := $(FUZZ_CORE) tests/fuzz/lib/canon.c
FUZZ_SRC_fuzz_pem     := $(FUZZ_CORE) tests/fuzz/lib/canon.c
FUZZ_SRC_fuzz_ctrl    := baresip-mods/ctrl/req_parse.c baresip-mods/ctrl/json.c \
			 baresip-mods/ctrl/request.c
FUZZ_SRC_fuzz_invite  := baresip-mods/sipwire/allow.c tests/fuzz/lib/sipmsg.c
FUZZ_SRC_fuzz_contact := baresip-mods/phoneline/contact_user.c \
			 tests/fuzz/lib/sipmsg.c
FUZZ_SRC_fuzz_info    := baresip-mods/phoneline/info_body.c \
			 tests/fuzz/lib/sipmsg.c

FUZZ_ALL_SRC := $(sort $(foreach f,$(FUZZ_NAMES),$(FUZZ_SRC_$(f))))
FUZZ_OBJ     := $(FUZZ_ALL_SRC:%.c=$(B)/fuzz/obj/%.o)

$(FUZZ_OBJ): $(B)/fuzz/obj/%.o: %.c $(wildcard shell/conf/*.h \
		baresip-mods/*/*.h tests/fuzz/lib/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -O1 $(FUZZ_SAN) -c -o $@ $<

define FUZZ_TARGET
$(B)/fuzz/$(1): tests/fuzz/$(1).c $(FUZZ_SRC_$(1):%.c=$(B)/fuzz/obj/%.o)
	@mkdir -p $$(dir $$@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -O1 $(subst fuzzer-no-link,fuzzer,$(FUZZ_SAN)) \
		-o $$@ $$^ $(PKG_LIBS)
endef
$(foreach f,$(FUZZ_NAMES),$(eval $(call FUZZ_TARGET,$(f))))

fuzzers: $(FUZZERS)

fuzz: deps
	@$(MAKE) -s --no-print-directory fuzzers
	@for f in $(FUZZ_NAMES); do \
		c=tests/fuzz/corpus/$${f#fuzz_}; w=$(B)/fuzz/corpus/$${f#fuzz_}; \
		mkdir -p $$w; echo "== $$f ($(FUZZ_SECONDS) s)"; \
		$(B)/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			$$w $$c || exit 1; \
	done

.PHONY: fuzz fuzzers
