/* drv_refgw.c — the project's reference gateway as a harness node.
 *
 * The node file names the router configuration as printed in the document
 * (`config vpn7200.cfg`); prepare copies it into the run directory and has refgw check
 * it (`refgw --check`), so a bad line fails the run with file:line before anything
 * starts. refgw runs in the node's namespace with its protocol clock scaled like the
 * testcase (it can scale: every timer goes through one clock). The harness talks to it
 * with refgwctl over the namespace's control socket: SAs come from `--json show crypto
 * isakmp sa` / `show crypto ipsec sa` (one SA object per line), logs from refgw.log
 * ("YYYY-MM-DD HH:MM:SS.mmm text", text as IOS `debug crypto isakmp` prints it), keys
 * from the Wireshark tables refgw writes itself; run-time configuration lines (the
 * testcase's `configure` action) go through `refgwctl configure`.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "drv_int.h"

#ifndef REFGW_BIN
#define REFGW_BIN "refgw"
#endif
#ifndef REFGWCTL_BIN
#define REFGWCTL_BIN "refgwctl"
#endif

static int rg_available(char *why, size_t len)
{
	if (access(REFGW_BIN, X_OK) < 0 || access(REFGWCTL_BIN, X_OK) < 0) {
		drv_fail(why, len, "refgw not built (%s)", REFGW_BIN);
		return 1;
	}
	return 0;
}

static int rg_can_scale(double scale)
{
	return scale > 0 && scale <= 1.0;
}

static void rg_path(const struct drv_node *n, const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s/%s", n->dir, name);
}

static int rg_prepare(struct drv_node *n, char *err, size_t len)
{
	char name[96], cfg[320], out[2048], scale[32];
	char *text;
	size_t tl;
	int r;

	if (mkdir(n->dir, 0755) < 0 && errno != EEXIST)
		return drv_fail(err, len, "%s: %s", n->dir, strerror(errno));
	text = drv_read_file(n->spec->config, &tl);
	if (!text)
		return drv_fail(err, len, "%s:%d: config %s: %s", n->spec->file, n->spec->config_line,
				n->spec->config, strerror(errno));
	snprintf(name, sizeof(name), "%s.cfg", n->spec->name);
	r = drv_write_file(n->dir, name, text, 1, err, len);
	free(text);
	if (r < 0)
		return -1;
	if (n->time_scale <= 0)
		n->time_scale = 1.0;
	rg_path(n, name, cfg, sizeof(cfg));
	snprintf(scale, sizeof(scale), "%g", n->time_scale);
	{
		char *argv[] = { (char *)REFGW_BIN, (char *)"--check", (char *)"-f", cfg, NULL };

		r = drv_run(NULL, argv, out, sizeof(out), 10000);
	}
	if (r != 0)
		return drv_fail(err, len, "%s: refgw --check %s: %.1500s", n->spec->name, n->spec->config, out);
	return 0;
}

/* refgwctl [--json] ARGS… in the node's namespace; returns its exit status. */
static int rg_ctl(struct drv_node *n, char *out, size_t outlen, int json, const char *a1, const char *a2,
		  const char *a3, const char *a4, const char *a5)
{
	char *argv[10];
	int i = 0;

	argv[i++] = (char *)REFGWCTL_BIN;
	if (json)
		argv[i++] = (char *)"--json";
	argv[i++] = (char *)a1;
	if (a2)
		argv[i++] = (char *)a2;
	if (a2 && a3)
		argv[i++] = (char *)a3;
	if (a2 && a3 && a4)
		argv[i++] = (char *)a4;
	if (a2 && a3 && a4 && a5)
		argv[i++] = (char *)a5;
	argv[i] = NULL;
	return drv_run(n, argv, out, outlen, 10000);
}

static int rg_wait_ready(struct drv_node *n, int timeout_ms, char *err, size_t len)
{
	char out[256];
	int waited;

	for (waited = 0; waited < timeout_ms; waited += 50) {
		if (rg_ctl(n, out, sizeof(out), 0, "show", "version", NULL, NULL, NULL) == 0)
			return 0;
		if (n->pid == 0 || kill(n->pid, 0) < 0)
			break;
		drv_sleep_ms(50);
	}
	return drv_fail(err, len, "%s: refgw does not answer on its control socket after %d ms (see %s/refgw.out)",
			n->spec->name, timeout_ms, n->dir);
}

static int rg_start(struct drv_node *n, char *err, size_t len)
{
	char cfg[320], log[320], out[320], scale[32];
	char *argv[] = { (char *)REFGW_BIN, (char *)"-f", cfg, (char *)"--log", log, (char *)"--keys",
			 n->dir, (char *)"--time-scale", scale, NULL };

	snprintf(cfg, sizeof(cfg), "%s/%s.cfg", n->dir, n->spec->name);
	rg_path(n, "refgw.log", log, sizeof(log));
	rg_path(n, "refgw.out", out, sizeof(out));
	snprintf(scale, sizeof(scale), "%g", n->time_scale > 0 ? n->time_scale : 1.0);
	n->pid = drv_spawn(n, argv, out, NULL, NULL, err, len);
	if (n->pid < 0) {
		n->pid = 0;
		return -1;
	}
	return rg_wait_ready(n, 5000, err, len);
}

static int rg_initiate(struct drv_node *n, char *err, size_t len)
{
	char out[1024];

	if (rg_ctl(n, out, sizeof(out), 0, "initiate", NULL, NULL, NULL, NULL) != 0)
		return drv_fail(err, len, "%s: refgwctl initiate: %.500s", n->spec->name, out);
	return 0;
}

static int rg_clear(struct drv_node *n, char *err, size_t len)
{
	char out[1024];

	if (rg_ctl(n, out, sizeof(out), 0, "clear", "crypto", "sa", NULL, NULL) != 0)
		return drv_fail(err, len, "%s: refgwctl clear crypto sa: %.500s", n->spec->name, out);
	return 0;
}

/* `refgwctl configure LINE…`: refgw applies the lines in order and stops at the first it
 * refuses, answering "configure:N: % …" (reference/refgw/gw_apply.c). */
static int rg_configure(struct drv_node *n, const char *lines, char *err, size_t len)
{
	char buf[4096], out[2048];
	char *argv[3 + 64];
	int i = 0;

	snprintf(buf, sizeof(buf), "%s", lines);
	argv[i++] = (char *)REFGWCTL_BIN;
	argv[i++] = (char *)"configure";
	for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l && i < 2 + 64; l = strtok_r(NULL, "\n", &save))
		argv[i++] = l;
	argv[i] = NULL;
	int rc = drv_run_both(n, argv, out, sizeof(out), 10000);
	if (rc == 0)
		return 0;
	out[strcspn(out, "\n")] = '\0';
	/* refgwctl exits 1 when refgw answered with an error, 2 on its own failure */
	return drv_fail(err, len, "%s: %.1500s", rc == 1 ? "refgw refused it" : "refgwctl configure failed",
			out[0] ? out : "no message");
}

/* The value of "key": in a one-line JSON object (strings unquoted into out). */
static int rg_json_field(const char *line, const char *key, char *out, size_t outlen)
{
	char pat[64];
	const char *p;
	size_t i = 0;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	if (!p || !outlen)
		return -1;
	p += strlen(pat);
	while (*p == ' ')
		p++;
	if (*p == '"') {
		for (p++; *p && *p != '"' && i + 1 < outlen; p++)
			out[i++] = *p;
	} else {
		for (; *p && *p != ',' && *p != '}' && i + 1 < outlen; p++)
			out[i++] = *p;
	}
	out[i] = '\0';
	return 0;
}

static uint64_t rg_json_u64(const char *line, const char *key)
{
	char v[32];

	return rg_json_field(line, key, v, sizeof(v)) ? 0 : strtoull(v, NULL, 0);
}

static void rg_cookie(const char *line, const char *key, uint8_t out[8])
{
	char v[32];
	unsigned i, b;

	memset(out, 0, 8);
	if (rg_json_field(line, key, v, sizeof(v)) || strlen(v) != 16)
		return;
	for (i = 0; i < 8; i++)
		if (sscanf(v + 2 * i, "%2x", &b) == 1)
			out[i] = (uint8_t)b;
}

/* Parse refgw's JSON shows (one SA object per line) into the harness's normalised list. */
int rg_parse_sas(const char *isakmp, const char *ipsec, struct sa_list *out)
{
	const char *text[2] = { isakmp, ipsec };
	int k;

	out->n = 0;
	for (k = 0; k < 2; k++) {
		const char *line = text[k];

		while (line && *line) {
			const char *nl = strchr(line, '\n');
			size_t ll = nl ? (size_t)(nl - line) : strlen(line);
			char l[2048], v[64];

			snprintf(l, sizeof(l), "%.*s", (int)(ll < sizeof(l) ? ll : sizeof(l) - 1), line);
			line = nl ? nl + 1 : NULL;
			if (!strstr(l, k == 0 ? "\"conn_id\":" : "\"spi_in\":") || out->n >= SA_MAX)
				continue;
			struct sa_entry *e = &out->sa[out->n];
			memset(e, 0, sizeof(*e));
			e->established_s = -1;
			if (k == 0) {
				e->kind = SA_IKE;
				rg_json_field(l, "state", v, sizeof(v));
				/* QM_IDLE is IOS's "phase 1 up"; the harness's normal form is ESTABLISHED */
				snprintf(e->state, sizeof(e->state), "%s", !strcmp(v, "QM_IDLE") ? "ESTABLISHED" :
					 !strncmp(v, "MM_", 3) ? "CONNECTING" : v);
				if (!rg_json_field(l, "local_addr", v, sizeof(v)))
					drv_parse_ip(v, &e->local);
				if (!rg_json_field(l, "peer", v, sizeof(v)))
					drv_parse_ip(v, &e->remote);
				rg_cookie(l, "icookie", e->icookie);
				rg_cookie(l, "rcookie", e->rcookie);
				e->established_s = (int)rg_json_u64(l, "age_s");
			} else {
				e->kind = SA_IPSEC;
				snprintf(e->state, sizeof(e->state), "INSTALLED");
				e->spi_in = (uint32_t)rg_json_u64(l, "spi_in");
				e->spi_out = (uint32_t)rg_json_u64(l, "spi_out");
				if (!rg_json_field(l, "local_addr", v, sizeof(v)))
					drv_parse_ip(v, &e->local);
				if (!rg_json_field(l, "peer", v, sizeof(v)))
					drv_parse_ip(v, &e->remote);
				if (!rg_json_field(l, "local_ident", v, sizeof(v)))
					drv_parse_prefix(v, &e->local_ts);
				if (!rg_json_field(l, "remote_ident", v, sizeof(v)))
					drv_parse_prefix(v, &e->remote_ts);
				e->packets_out = rg_json_u64(l, "encaps");
				e->packets_in = rg_json_u64(l, "decaps");
				e->bytes_out = rg_json_u64(l, "bytes_out");
				e->bytes_in = rg_json_u64(l, "bytes_in");
				e->established_s = (int)rg_json_u64(l, "age_s");
			}
			out->n++;
		}
	}
	return 0;
}

static int rg_list_sas(struct drv_node *n, struct sa_list *out, char *err, size_t len)
{
	static char isakmp[65536], ipsec[131072];

	out->n = 0;
	if (rg_ctl(n, isakmp, sizeof(isakmp), 1, "show", "crypto", "isakmp", "sa", NULL) != 0 ||
	    rg_ctl(n, ipsec, sizeof(ipsec), 1, "show", "crypto", "ipsec", "sa", NULL) != 0)
		return drv_fail(err, len, "%s: refgwctl show crypto … failed", n->spec->name);
	return rg_parse_sas(isakmp, ipsec, out);
}

static int rg_kill(struct drv_node *n, int sig)
{
	return drv_signal_reap(n, sig, sig == SIGKILL ? 0 : 2000);
}

/* A refgw built with ASan/UBSan writes its reports to stderr (refgw.out): a report is
 * a failure of the run, not something to find later. */
static int rg_sanitizer_report(struct drv_node *n)
{
	char path[320];
	size_t tl;
	char *text;
	int bad;

	rg_path(n, "refgw.out", path, sizeof(path));
	text = drv_read_file(path, &tl);
	if (!text)
		return 0;
	bad = strstr(text, "ERROR: AddressSanitizer") || strstr(text, "ERROR: LeakSanitizer") ||
	      strstr(text, "runtime error:");
	free(text);
	return bad;
}

static int rg_stop(struct drv_node *n)
{
	drv_signal_reap(n, SIGTERM, 3000);
	return rg_sanitizer_report(n) ? -1 : 0;
}

/* refgw.log: "YYYY-MM-DD HH:MM:SS.mmm TEXT" → EV_LOG. */
static int rg_logs(struct drv_node *n, struct ev_list *out)
{
	char path[320];
	char *text, *line, *save = NULL;
	size_t tl;

	rg_path(n, "refgw.log", path, sizeof(path));
	text = drv_read_file(path, &tl);
	if (!text)
		return 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t used = 0;
		int64_t t = drv_parse_local_ts(line, &used);

		if (t < 0)
			continue;
		while (line[used] == ' ')
			used++;
		drv_ev_add(out, t, EV_LOG, n->spec->name, line + used);
	}
	free(text);
	return 0;
}

static int rg_copy(const char *path, FILE *to)
{
	size_t tl;
	char *text;

	if (!to)
		return 0;
	text = drv_read_file(path, &tl);
	if (!text)
		return 0;
	fwrite(text, 1, tl, to);
	fflush(to);
	free(text);
	return 0;
}

static int rg_keys(struct drv_node *n, FILE *ikev1_table, FILE *esp_sa)
{
	char path[320];

	rg_path(n, "ikev1_decryption_table", path, sizeof(path));
	rg_copy(path, ikev1_table);
	rg_path(n, "esp_sa", path, sizeof(path));
	rg_copy(path, esp_sa);
	return 0;
}

const struct driver driver_refgw = {
	.name = "refgw",
	.available = rg_available,
	.can_scale = rg_can_scale,
	.prepare = rg_prepare,
	.start = rg_start,
	.wait_ready = rg_wait_ready,
	.initiate = rg_initiate,
	.clear = rg_clear,
	.configure = rg_configure,
	.list_sas = rg_list_sas,
	.state = NULL,
	.kill = rg_kill,
	.stop = rg_stop,
	.logs = rg_logs,
	.keys = rg_keys,
};
