/* check_ike.c — the IKEv1 engine driven as two in-process peers over a mock network
 * (ike_testnet): Main Mode + Quick Mode for the documents' suites with and without PFS
 * and NAT-T floating, crosswise-equal child keys; retransmission with back-off and
 * give-up with failover to the second peer; duplicate requests answered without moving
 * the IV; Delete honoured and sent by clear; INITIAL-CONTACT; R-U-THERE answered;
 * phase-2 rekey at the soft lifetime; RESPONDER-LIFETIME honoured; no proposal chosen;
 * wrong pre-shared key; shutdown; reconfigure; INVALID-SPI sent (rate-limited) and
 * honoured, invalid-spi-recovery (Main Mode only to tell the peer, with and without
 * INITIAL-CONTACT, and when that Main Mode fails); Informationals for unknown cookies
 * (seed 003's words, rate-limited log); DPD peer death sending Deletes and moving the
 * `set peer` cursor without preemption.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/provider.h>
#include "ike_testnet.h"
#include "isakmp.h"

struct suite_def {
	const char *name;
	enum ike_enc enc; unsigned bits; enum ike_hash hash; unsigned group;
	enum esp_enc_alg ee; unsigned ebits; enum esp_auth_alg ea;
	unsigned ekey, akey;
};

static const struct suite_def suites[] = {
	/* the documents' default policy (des, md5, group 1) + esp-des esp-md5-hmac */
	{ "des-md5-group1", IKE_ENC_DES, 0, IKE_HASH_MD5, 1, ESP_ENC_DES, 0, ESP_AUTH_HMAC_MD5, 8, 16 },
	{ "3des-sha1-group2", IKE_ENC_3DES, 0, IKE_HASH_SHA1, 2, ESP_ENC_3DES, 0, ESP_AUTH_HMAC_SHA1, 24, 20 },
	{ "aes128-sha1-group14", IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, 14, ESP_ENC_AES_CBC, 128,
	  ESP_AUTH_HMAC_SHA1, 16, 20 },
	{ "aes256-sha256-group5", IKE_ENC_AES_CBC, 256, IKE_HASH_SHA256, 5, ESP_ENC_AES_CBC, 256,
	  ESP_AUTH_HMAC_SHA256, 32, 32 },
};

static void setup_pair(struct tn *n, const struct suite_def *s, int pfs, int natt)
{
	struct ike_cfg a, b;

	tn_cfg(&a, 0, s->enc, s->bits, s->hash, s->group, s->ee, s->ebits, s->ea, pfs ? s->group : 0, natt);
	tn_cfg(&b, 1, s->enc, s->bits, s->hash, s->group, s->ee, s->ebits, s->ea, pfs ? s->group : 0, natt);
	tn_init(n, &a, &b);
	n->nat = natt;
}

static void establish(struct tn *n)
{
	ck_assert_int_eq(ike_acquire(n->p[0].e, n->now, 0, 0), 0);
	tn_run(n, 100);
	ck_assert_uint_ge(n->p[0].nup, 1);
	ck_assert_uint_ge(n->p[1].nup, 1);
}

static const struct ike_sa_info *sa_of(struct tn *n, int side, struct ike_sa_info *buf, size_t max,
				       size_t *count)
{
	*count = ike_list_isakmp(n->p[side].e, n->now, buf, max);
	return *count ? &buf[0] : NULL;
}

/* --- MM + QM per suite × PFS × NAT-T ------------------------------------------- */

START_TEST(test_mm_qm)
{
	const struct suite_def *s = &suites[_i / 4];
	int pfs = _i & 1, natt = (_i >> 1) & 1;
	static struct tn n;
	struct ike_sa_info info[8];
	struct ike_child ch[8];
	size_t cnt;
	const struct ike_child *a, *b;

	setup_pair(&n, s, pfs, natt);
	establish(&n);
	ck_assert_uint_eq(n.p[0].nup, 1);
	ck_assert_uint_eq(n.p[1].nup, 1);
	ck_assert_msg(tn_children_match(&n, 0, 0), "%s pfs=%d natt=%d: child keys not crosswise equal",
		      s->name, pfs, natt);
	a = &n.p[0].up[0];
	b = &n.p[1].up[0];
	ck_assert_uint_eq(a->enc, s->ee);
	ck_assert_uint_eq(a->enc_key_len, s->ekey);
	ck_assert_uint_eq(a->auth_key_len, s->akey);
	ck_assert_uint_eq(a->pfs_group, pfs ? s->group : 0);
	ck_assert_uint_ge(a->spi_in >> 24, 1);
	ck_assert_uint_ge(b->spi_in >> 24, 1);
	ck_assert_int_eq(a->initiator, 1);
	ck_assert_int_eq(b->initiator, 0);
	ck_assert_uint_eq(a->local_sel.src, TN_IP(10, 1, 0, 0));
	ck_assert_uint_eq(a->local_sel.src_plen, 24);
	ck_assert_uint_eq(b->local_sel.src, TN_IP(10, 2, 0, 0));
	ck_assert_uint_eq(b->remote_sel.src, TN_IP(10, 1, 0, 0));
	ck_assert_uint_eq(a->lifetime_s, 3600);
	ck_assert_uint_eq(a->lifetime_kb, 4608000);
	if (natt) {
		/* RFC 3948: UDP-encapsulated on 4500 */
		ck_assert_uint_eq(a->remote.port, 4500);
		ck_assert_uint_eq(b->remote.port, 4500);
		ck_assert_uint_eq(a->encap, 3);
	} else {
		ck_assert_uint_eq(a->remote.port, 0);
		ck_assert_uint_eq(b->remote.port, 0);
		ck_assert_uint_eq(a->encap, 1);
	}
	ck_assert_ptr_nonnull(sa_of(&n, 0, info, 8, &cnt));
	ck_assert_uint_eq(cnt, 1);
	ck_assert_str_eq(info[0].state, "QM_IDLE");
	ck_assert_int_eq(info[0].natt, natt);
	ck_assert_uint_eq(info[0].remote_port, natt ? 4500 : 500);
	ck_assert_int_eq(info[0].dpd_peer, 1);
	ck_assert_uint_eq(info[0].group, s->group);
	ck_assert_uint_eq(info[0].dst, TN_B_ADDR);
	ck_assert_uint_eq(info[0].src, TN_A_ADDR);
	ck_assert_ptr_nonnull(sa_of(&n, 1, info, 8, &cnt));
	ck_assert_str_eq(info[0].state, "QM_IDLE");
	ck_assert_int_eq(info[0].initiator, 0);
	ck_assert_uint_eq(ike_list_children(n.p[0].e, ch, 8), 1);
	ck_assert_uint_eq(ch[0].spi_in, a->spi_in);
	/* both engines saw the same phase-1 key (what Wireshark's table needs) */
	ck_assert(n.p[0].have_keys && n.p[1].have_keys);
	ck_assert_uint_eq(n.p[0].ka_len, n.p[1].ka_len);
	ck_assert_mem_eq(n.p[0].ka, n.p[1].ka, n.p[0].ka_len);
	/* nothing was dropped on a clean run */
	for (cnt = 0; cnt < IKE_DROP_MAX; cnt++) {
		ck_assert_msg(ike_get_stats(n.p[0].e)->dropped[cnt] == 0, "A dropped %s", ike_drop_name((int)cnt));
		ck_assert_msg(ike_get_stats(n.p[1].e)->dropped[cnt] == 0, "B dropped %s", ike_drop_name((int)cnt));
	}
	/* B initiates a second flow the other way over the same ISAKMP SA */
	ck_assert_int_eq(ike_acquire(n.p[1].e, n.now, 0, 0), 1);   /* already up */
	tn_free(&n);
}
END_TEST

/* --- helpers for the scenarios ------------------------------------------------- */

static void setup_default(struct tn *n)
{
	setup_pair(n, &suites[2], 0, 0);     /* aes128-sha1-group14, esp-aes esp-sha-hmac */
}

static int is_exch(const struct tn_msg *m, uint8_t exch)
{
	return m->len >= 28 && m->data[18] == exch;
}

/* drop the first message B sends with the exchange type in drop_ctx */
struct drop_once { uint8_t exch; int done; };

static int drop_first_b(struct tn *n, const struct tn_msg *m, unsigned index)
{
	struct drop_once *d = n->drop_ctx;

	(void)index;
	if (!d->done && m->from == 1 && is_exch(m, d->exch)) {
		d->done = 1;
		return 1;
	}
	return 0;
}

static int drop_all_from_b(struct tn *n, const struct tn_msg *m, unsigned index)
{
	(void)n;
	(void)index;
	return m->from == 1;
}

static const struct tn_msg *find_rec(const struct tn *n, int from, uint8_t exch, int encrypted, unsigned skip)
{
	unsigned i;

	for (i = 0; i < n->nrec; i++) {
		const struct tn_msg *m = n->rec[i];

		if (m->from == from && is_exch(m, exch) && ((m->data[19] & 1) == encrypted) && skip-- == 0)
			return m;
	}
	return NULL;
}

/* --- retransmission ------------------------------------------------------------- */

/* MM2 lost: A retransmits MM1 after 1 s, B answers the duplicate with MM2 again; QM2
 * lost: the same in Quick Mode. */
START_TEST(test_retransmit)
{
	static struct tn n;
	struct drop_once mm = { 2, 0 }, qm = { 32, 0 };   /* Main Mode, Quick Mode */

	setup_default(&n);
	n.drop = drop_first_b;
	n.drop_ctx = &mm;
	ck_assert_int_eq(ike_acquire(n.p[0].e, n.now, 0, 0), 0);
	tn_run(&n, 100);
	ck_assert_uint_eq(n.p[0].nup, 0);
	ck_assert_uint_eq(ike_next_timeout(n.p[0].e), n.now + 1000);
	tn_advance(&n, 1000);
	ck_assert_uint_eq(n.p[0].nup, 1);
	ck_assert_uint_eq(n.p[1].nup, 1);
	ck_assert(tn_children_match(&n, 0, 0));
	ck_assert_uint_ge(ike_get_stats(n.p[0].e)->retransmits, 1);
	ck_assert_uint_ge(ike_get_stats(n.p[1].e)->dropped[IKE_DROP_DUPLICATE], 1);
	tn_free(&n);

	/* QM2 lost */
	setup_default(&n);
	n.drop = drop_first_b;
	n.drop_ctx = &qm;
	ck_assert_int_eq(ike_acquire(n.p[0].e, n.now, 0, 0), 0);
	tn_run(&n, 100);
	ck_assert_uint_eq(n.p[0].nup, 0);
	tn_advance(&n, 1500);
	ck_assert_uint_eq(n.p[0].nup, 1);
	ck_assert_uint_eq(n.p[1].nup, 1);
	ck_assert(tn_children_match(&n, 0, 0));
	ck_assert_uint_ge(ike_get_stats(n.p[1].e)->dropped[IKE_DROP_DUPLICATE], 1);
	tn_free(&n);
}
END_TEST

/* A silent responder: MM1 goes out at 0, 1, 3, 7, 15, 31 s (RFC 2408 §5.1 back-off),
 * then the SA is deleted at 63 s. */
START_TEST(test_give_up)
{
	static struct tn n;
	struct ike_sa_info info[4];
	uint64_t t0, want[6] = { 0, 1000, 3000, 7000, 15000, 31000 };
	unsigned i, k = 0;

	setup_default(&n);
	n.drop = drop_all_from_b;
	t0 = n.now;
	ck_assert_int_eq(ike_acquire(n.p[0].e, n.now, 0, 0), 0);
	tn_advance(&n, 62000);
	ck_assert_uint_eq(ike_list_isakmp(n.p[0].e, n.now, info, 4), 1);
	ck_assert_int_eq(info[0].deleted, 0);
	tn_advance(&n, 2000);
	ck_assert_uint_eq(ike_list_isakmp(n.p[0].e, n.now, info, 4), 1);
	ck_assert_int_eq(info[0].deleted, 1);
	ck_assert_str_eq(info[0].state, "MM_NO_STATE");
	for (i = 0; i < n.nrec; i++)
		if (n.rec[i]->from == 0) {
			ck_assert_uint_lt(k, 6);
			ck_assert_uint_eq(n.rec[i]->t_ms - t0, want[k]);
			k++;
		}
	ck_assert_uint_eq(k, 6);
	ck_assert_uint_eq(ike_get_stats(n.p[0].e)->retransmits, 5);
	/* after the linger time the deleted SA is gone */
	tn_advance(&n, 11000);
	ck_assert_uint_eq(ike_list_isakmp(n.p[0].e, n.now, info, 4), 0);
	ck_assert_uint_eq(ike_next_timeout(n.p[0].e), UINT64_MAX);
	tn_free(&n);
}
END_TEST

/* Two `set peer`: the first never answers, the second takes over and keeps new flows. */
static int drop_to_c(struct tn *n, const struct tn_msg *m, unsigned index)
{
	(void)n;
	(void)index;
	return m->dst.addr == TN_IP(192, 0, 2, 3);
}

START_TEST(test_failover)
{
	static struct tn n;
	struct ike_cfg a, b;

	tn_cfg(&a, 0, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, 14, ESP_ENC_AES_CBC, 128, ESP_AUTH_HMAC_SHA1, 0, 0);
	tn_cfg(&b, 1, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, 14, ESP_ENC_AES_CBC, 128, ESP_AUTH_HMAC_SHA1, 0, 0);
	a.psks[0].addr = 0;                  /* crypto isakmp key cisco123 address 0.0.0.0 0.0.0.0 */
	a.psks[0].mask = 0;
	a.conns[0].npeers = 2;
	a.conns[0].peers[0] = TN_IP(192, 0, 2, 3);
	a.conns[0].peers[1] = TN_B_ADDR;
	a.conns[0].nsel = b.conns[0].nsel = 2;
	a.conns[0].sel[1] = (struct ike_selector){ TN_IP(10, 1, 1, 0), TN_IP(10, 2, 1, 0), 24, 24, 0, 0, 0 };
	b.conns[0].sel[1] = (struct ike_selector){ TN_IP(10, 2, 1, 0), TN_IP(10, 1, 1, 0), 24, 24, 0, 0, 0 };
	tn_init(&n, &a, &b);
	n.drop = drop_to_c;
	ck_assert_int_eq(ike_acquire(n.p[0].e, n.now, 0, 0), 0);
	ck_assert_int_eq(ike_acquire(n.p[0].e, n.now, 0, 0), 1);   /* already negotiating */
	tn_advance(&n, 62000);
	ck_assert_uint_eq(n.p[0].nup, 0);
	tn_advance(&n, 2000);
	ck_assert_uint_eq(n.p[0].nup, 1);
	ck_assert_uint_eq(n.p[0].up[0].remote.addr, TN_B_ADDR);
	ck_assert(tn_children_match(&n, 0, 0));
	/* a new flow stays with the peer that works (no preemption) */
	ck_assert_int_eq(ike_acquire(n.p[0].e, n.now, 0, 1), 0);
	tn_run(&n, 100);
	ck_assert_uint_eq(n.p[0].nup, 2);
	ck_assert_uint_eq(n.p[0].up[1].remote.addr, TN_B_ADDR);
	ck_assert_uint_eq(n.p[0].up[1].local_sel.src, TN_IP(10, 1, 1, 0));
	tn_free(&n);
}
END_TEST

/* --- duplicates ------------------------------------------------------------------ */

/* RFC 2409 §10: a repeated MM5 gets MM6 again and the IVs do not move (a Quick Mode
 * afterwards still works); a repeated QM1 gets QM2 again. */
START_TEST(test_duplicate)
{
	static struct tn n;
	const struct tn_msg *mm5, *qm1;
	struct ike_cfg a, b;
	uint64_t tx;

	tn_cfg(&a, 0, IKE_ENC_3DES, 0, IKE_HASH_SHA1, 2, ESP_ENC_3DES, 0, ESP_AUTH_HMAC_SHA1, 2, 0);
	tn_cfg(&b, 1, IKE_ENC_3DES, 0, IKE_HASH_SHA1, 2, ESP_ENC_3DES, 0, ESP_AUTH_HMAC_SHA1, 2, 0);
	a.conns[0].nsel = b.conns[0].nsel = 3;
	a.conns[0].sel[1] = (struct ike_selector){ TN_IP(10, 1, 1, 0), TN_IP(10, 2, 1, 0), 24, 24, 0, 0, 0 };
	b.conns[0].sel[1] = (struct ike_selector){ TN_IP(10, 2, 1, 0), TN_IP(10, 1, 1, 0), 24, 24, 0, 0, 0 };
	a.conns[0].sel[2] = (struct ike_selector){ TN_IP(10, 1, 2, 7), TN_IP(10, 2, 2, 0), 32, 24, 6, 0, 80 };
	b.conns[0].sel[2] = (struct ike_selector){ TN_IP(10, 2, 2, 0), TN_IP(10, 1, 2, 0), 24, 24, 6, 80, 0 };
	tn_init(&n, &a, &b);
	establish(&n);
	mm5 = find_rec(&n, 0, 2, 1, 0);
	qm1 = find_rec(&n, 0, 32, 1, 0);
	ck_assert_ptr_nonnull(mm5);
	ck_assert_ptr_nonnull(qm1);

	tx = ike_get_stats(n.p[1].e)->tx;
	tn_inject(&n, 1, 500, 500, mm5->data, mm5->len);
	ck_assert_uint_eq(ike_get_stats(n.p[1].e)->tx, tx + 1);          /* MM6 again */
	ck_assert_uint_eq(ike_get_stats(n.p[1].e)->dropped[IKE_DROP_DUPLICATE], 1);
	tx = ike_get_stats(n.p[0].e)->tx;
	tn_run(&n, 100);                      /* A: the repeated MM6 is dropped, not answered */
	ck_assert_uint_eq(ike_get_stats(n.p[0].e)->dropped[IKE_DROP_DUPLICATE], 1);
	ck_assert_uint_eq(ike_get_stats(n.p[0].e)->tx, tx);

	tx = ike_get_stats(n.p[1].e)->tx;
	tn_inject(&n, 1, 500, 500, qm1->data, qm1->len);
	ck_assert_uint_eq(ike_get_stats(n.p[1].e)->tx, tx + 1);          /* QM2 again */
	tn_run(&n, 100);                      /* A answers the repeated QM2 with QM3 again */
	ck_assert_uint_eq(n.p[0].nup, 1);
	ck_assert_uint_eq(n.p[1].nup, 1);

	/* the phase-1 IV state is intact: new Quick Modes (PFS, a host/port flow) work */
	ck_assert_int_eq(ike_acquire(n.p[0].e, n.now, 0, 1), 0);
	tn_run(&n, 100);
	ck_assert_uint_eq(n.p[0].nup, 2);
	ck_assert(tn_children_match(&n, 1, 1));
	ck_assert_int_eq(ike_acquire(n.p[0].e, n.now, 0, 2), 0);
	tn_run(&n, 100);
	ck_assert_uint_eq(n.p[0].nup, 3);
	ck_assert(tn_children_match(&n, 2, 2));
	ck_assert_uint_eq(n.p[1].up[2].local_sel.sport, 80);
	ck_assert_uint_eq(n.p[1].up[2].local_sel.proto, 6);
	ck_assert_uint_eq(n.p[1].up[2].remote_sel.src, TN_IP(10, 1, 2, 7));
	ck_assert_uint_eq(n.p[1].up[2].remote_sel.src_plen, 32);
	ck_assert_uint_eq(n.p[1].up[2].conn_index, 0);
	ck_assert_uint_eq(n.p[1].up[2].sel_index, 2);
	tn_free(&n);
}
END_TEST

/* --- Delete, clear, INITIAL-CONTACT ------------------------------------------------ */

START_TEST(test_delete_honoured)
{
	static struct tn n;
	struct ike_sa_info info[4];
	uint64_t txa;

	setup_default(&n);
	establish(&n);
	txa = ike_get_stats(n.p[0].e)->tx;
	ike_clear_all(n.p[1].e, n.now);                /* B: clear crypto sa */
	ck_assert_uint_eq(n.p[1].ndown, 1);
	ck_assert_str_eq(n.p[1].down[0].reason, "clear crypto sa");
	tn_run(&n, 100);
	ck_assert_uint_eq(n.p[0].ndown, 1);
	ck_assert_str_eq(n.p[0].down[0].reason, "peer delete");
	ck_assert_uint_eq(n.p[0].down[0].c.spi_in, n.p[0].up[0].spi_in);
	ck_assert_uint_eq(ike_list_isakmp(n.p[0].e, n.now, info, 4), 1);
	ck_assert_int_eq(info[0].deleted, 1);
	/* RFC 2409 §9: no Notify in reply to a Delete */
	ck_assert_uint_eq(ike_get_stats(n.p[0].e)->tx, txa);
	/* the Deletes B sent: two encrypted Informationals */
	ck_assert_ptr_nonnull(find_rec(&n, 1, 5, 1, 0));
	ck_assert_ptr_nonnull(find_rec(&n, 1, 5, 1, 1));
	ck_assert_ptr_null(find_rec(&n, 1, 5, 1, 2));
	/* a new acquire starts over with Main Mode */
	ck_assert_int_eq(ike_acquire(n.p[0].e, n.now, 0, 0), 0);
	tn_run(&n, 100);
	ck_assert_uint_eq(n.p[0].nup, 2);
	ck_assert(tn_children_match(&n, 1, 1));
	tn_free(&n);
}
END_TEST

START_TEST(test_clear_isakmp)
{
	static struct tn n;
	struct ike_sa_info info[4];
	size_t i, live = 0;

	setup_default(&n);
	establish(&n);
	ike_clear_isakmp(n.p[0].e, n.now);
	tn_run(&n, 100);
	ck_assert_uint_eq(n.p[0].ndown, 0);           /* children stay */
	ck_assert_uint_eq(n.p[1].ndown, 0);
	ck_assert_uint_eq(ike_list_isakmp(n.p[1].e, n.now, info, 4), 1);
	ck_assert_int_eq(info[0].deleted, 1);          /* B honoured Delete proto 1 */
	/* a rekey-like acquire on a new flow needs a new Main Mode: no INITIAL-CONTACT
	 * this time (A still has an IPsec SA with B), so B keeps the old child */
	n.p[0].cfg.conns[0].nsel = 2;
	n.p[0].cfg.conns[0].sel[1] = (struct ike_selector){ TN_IP(10, 1, 0, 0), TN_IP(10, 2, 0, 9), 24, 32,
							     0, 0, 0 };
	ck_assert_int_eq(ike_reconfigure(n.p[0].e, &n.p[0].cfg), 0);
	ck_assert_int_eq(ike_acquire(n.p[0].e, n.now, 0, 1), 0);
	tn_run(&n, 100);
	ck_assert_uint_eq(n.p[0].nup, 2);
	ck_assert_uint_eq(n.p[1].ndown, 0);
	for (i = 0; i < ike_list_isakmp(n.p[1].e, n.now, info, 4); i++)
		live += !info[i].deleted;
	ck_assert_uint_eq(live, 1);
	tn_free(&n);
}
END_TEST

/* A reboots (a fresh engine, same address): its MM5 carries INITIAL-CONTACT and B drops
 * the SAs it still had with A. */
START_TEST(test_initial_contact)
{
	static struct tn n;
	struct ike_sa_info info[4];
	size_t i, cnt, live = 0;

	setup_default(&n);
	establish(&n);
	ck_assert_uint_eq(n.p[1].ndown, 0);
	tn_restart(&n, 0);
	ck_assert_int_eq(ike_acquire(n.p[0].e, n.now, 0, 0), 0);
	tn_run(&n, 100);
	ck_assert_uint_eq(n.p[0].nup, 1);
	ck_assert_uint_eq(n.p[1].nup, 2);
	ck_assert_uint_eq(n.p[1].ndown, 1);
	ck_assert_str_eq(n.p[1].down[0].reason, "initial contact");
	ck_assert_uint_eq(n.p[1].down[0].c.spi_in, n.p[1].up[0].spi_in);
	cnt = ike_list_isakmp(n.p[1].e, n.now, info, 4);
	for (i = 0; i < cnt; i++)
		live += !info[i].deleted;
	ck_assert_uint_eq(cnt, 2);
	ck_assert_uint_eq(live, 1);
	ck_assert(tn_children_match(&n, 0, 1));
	tn_free(&n);
}
END_TEST

/* A offers two policies and two transform sets; B has only the second of each. */
START_TEST(test_choice)
{
	static struct tn n;
	struct ike_cfg a, b;
	struct ike_sa_info info[4];

	tn_cfg(&a, 0, IKE_ENC_AES_CBC, 256, IKE_HASH_SHA256, 14, ESP_ENC_AES_CBC, 256, ESP_AUTH_HMAC_SHA256, 0, 0);
	tn_cfg(&b, 1, IKE_ENC_3DES, 0, IKE_HASH_MD5, 2, ESP_ENC_3DES, 0, ESP_AUTH_HMAC_MD5, 0, 0);
	a.npolicies = 2;
	a.policies[1] = b.policies[0];
	a.policies[1].priority = 20;
	a.policies[1].lifetime_s = 3600;
	a.conns[0].ntsets = 2;
	a.conns[0].tsets[1] = b.conns[0].tsets[0];
	tn_init(&n, &a, &b);
	establish(&n);
	ck_assert_uint_eq(ike_list_isakmp(n.p[0].e, n.now, info, 4), 1);
	ck_assert_uint_eq(info[0].enc, IKE_ENC_3DES);
	ck_assert_uint_eq(info[0].hash, IKE_HASH_MD5);
	ck_assert_uint_eq(info[0].group, 2);
	ck_assert_uint_eq(info[0].lifetime_s, 3600);
	ck_assert_uint_eq(n.p[0].up[0].enc, ESP_ENC_3DES);
	ck_assert_uint_eq(n.p[0].up[0].tset_index, 1);
	ck_assert_uint_eq(n.p[1].up[0].tset_index, 0);
	ck_assert(tn_children_match(&n, 0, 0));
	tn_free(&n);
}
END_TEST

/* Garbage is counted per reason and logged at most once per second per reason. */
START_TEST(test_drop_log_rate)
{
	static struct tn n;
	uint8_t junk[64];
	unsigned i, logs;

	setup_default(&n);
	memset(junk, 0x41, sizeof(junk));
	logs = n.p[1].nlogs;
	for (i = 0; i < 100; i++)
		tn_inject(&n, 1, 500, 500, junk, sizeof(junk));
	ck_assert_uint_eq(ike_get_stats(n.p[1].e)->dropped[IKE_DROP_BAD_VERSION] +
			  ike_get_stats(n.p[1].e)->dropped[IKE_DROP_MALFORMED], 100);
	ck_assert_uint_eq(n.p[1].nlogs - logs, 1);
	ck_assert_uint_eq(ike_get_stats(n.p[1].e)->rx, 100);
	n.now += 1000;
	tn_inject(&n, 1, 500, 500, junk, 10);
	ck_assert_uint_eq(n.p[1].nlogs - logs, 2);
	tn_free(&n);
}
END_TEST

/* --- DPD -------------------------------------------------------------------------- */

START_TEST(test_dpd)
{
	static struct tn n;
	struct ike_sa_info info[4];
	struct isakmp_builder b;
	struct isakmp_hdr h;
	uint8_t msg[256], spi[16], seqb[4] = { 0, 0, 0, 9 };
	uint32_t seq, seq2;
	uint64_t tx;
	int len;

	setup_default(&n);
	establish(&n);
	ck_assert_uint_eq(ike_list_isakmp(n.p[0].e, n.now, info, 4), 1);
	seq = ike_dpd_probe(n.p[0].e, n.now, info[0].conn_id);
	ck_assert_uint_ne(seq, 0);
	ck_assert_uint_eq(seq >> 31, 0);              /* RFC 3706 §6: high bit 0 */
	tn_run(&n, 10);
	ike_list_isakmp(n.p[0].e, n.now, info, 4);
	ck_assert_uint_eq(info[0].dpd_seq_sent, seq);
	ck_assert_uint_eq(info[0].dpd_seq_acked, seq);
	ck_assert_uint_eq(info[0].last_inbound_ms, n.now);
	seq2 = ike_dpd_probe(n.p[0].e, n.now, info[0].conn_id);
	ck_assert_uint_eq(seq2, seq + 1);              /* §6: +1 per probe */
	tn_run(&n, 10);
	ike_list_isakmp(n.p[0].e, n.now, info, 4);
	ck_assert_uint_eq(info[0].dpd_seq_acked, seq2);
	ck_assert_uint_eq(ike_dpd_probe(n.p[0].e, n.now, 999), 0);
	/* an unencrypted R-U-THERE is refused, not answered (RFC 3706 §5.2) */
	memset(&h, 0, sizeof(h));
	memcpy(h.icookie, n.p[0].icookie, 8);
	ike_list_isakmp(n.p[1].e, n.now, info, 4);
	memcpy(h.rcookie, info[0].rcookie, 8);
	memcpy(spi, info[0].icookie, 8);
	memcpy(spi + 8, info[0].rcookie, 8);
	h.maj_ver = 1;
	h.exchange = 5;
	h.msgid = 0x12345678;
	isakmp_build_init(&b, msg, sizeof(msg), &h);
	isakmp_build_notify(&b, 1, 1, 36136, spi, 16, seqb, 4);
	len = isakmp_build_finish(&b);
	ck_assert_int_gt(len, 0);
	tx = ike_get_stats(n.p[1].e)->tx;
	tn_inject(&n, 1, 500, 500, msg, (size_t)len);
	ck_assert_uint_eq(ike_get_stats(n.p[1].e)->tx, tx);
	ck_assert_uint_eq(ike_get_stats(n.p[1].e)->dropped[IKE_DROP_UNPROTECTED], 1);
	tn_free(&n);
}
END_TEST

/* --- INVALID-SPI (RFC 2408 §3.14, §5.5), invalid-spi-recovery -------------------- */

static int drop_all_from_a(struct tn *n, const struct tn_msg *m, unsigned index)
{
	(void)n;
	(void)index;
	return m->from == 0;
}

static size_t live_sas(struct tn *n, int side)
{
	struct ike_sa_info info[16];
	size_t i, cnt = ike_list_isakmp(n->p[side].e, n->now, info, 16), live = 0;

	for (i = 0; i < cnt; i++)
		live += !info[i].deleted;
	return live;
}

/* B loses its IPsec SA up[b_index] without A hearing of it: the Delete is lost. */
static void b_loses_child(struct tn *n, unsigned b_index)
{
	static struct drop_once del;

	del = (struct drop_once){ 5, 0 };
	n->drop = drop_first_b;
	n->drop_ctx = &del;
	ike_child_outbound(n->p[1].e, n->now, n->p[1].up[b_index].spi_in, (size_t)5000000 * 1024);
	tn_run(n, 100);
	ck_assert(del.done);
	n->drop = NULL;
}

/* A still sends with an SPI B no longer has: B's data plane reports it, B tells A over
 * the ISAKMP SA, A removes the pair; at most one notify per peer per second. */
START_TEST(test_invalid_spi_notify)
{
	static struct tn n;
	struct isakmp_builder b;
	struct isakmp_hdr h;
	struct ike_sa_info info[4];
	uint8_t msg[256], spi[4];
	uint32_t stale;
	int len;

	setup_default(&n);
	establish(&n);
	b_loses_child(&n, 0);
	ck_assert_uint_eq(n.p[1].ndown, 1);
	ck_assert_uint_eq(n.p[0].ndown, 0);
	stale = n.p[0].up[0].spi_out;
	ck_assert_int_eq(ike_invalid_spi(n.p[1].e, n.now, TN_B_ADDR, TN_A_ADDR, stale), IKE_INVALID_SPI_NOTIFIED);
	ck_assert_int_eq(ike_invalid_spi(n.p[1].e, n.now + 999, TN_B_ADDR, TN_A_ADDR, stale),
			 IKE_INVALID_SPI_RATE_LIMITED);
	ck_assert_uint_eq(ike_get_stats(n.p[1].e)->invalid_spi_sent, 1);
	ck_assert_uint_eq(ike_get_stats(n.p[1].e)->invalid_spi_suppressed, 1);
	ck_assert_uint_eq(n.qlen, 1);                    /* the suppressed one sent nothing */
	tn_run(&n, 10);
	ck_assert_uint_eq(n.p[0].ndown, 1);
	ck_assert_str_eq(n.p[0].down[0].reason, "peer reported invalid SPI");
	ck_assert_uint_eq(n.p[0].down[0].c.spi_out, stale);
	ck_assert_uint_eq(ike_get_stats(n.p[0].e)->invalid_spi_received, 1);
	ck_assert_uint_eq(ike_get_stats(n.p[0].e)->invalid_spi_unmatched, 0);
	ck_assert_uint_ge(tn_log_has(&n, 0, "processing NOTIFY INVALID_SPI protocol 3"), 1);
	ck_assert_uint_eq(live_sas(&n, 0), 1);           /* the ISAKMP SA stays */
	/* RFC 2409 §9: no answer to a notify */
	ck_assert_uint_eq(n.qlen, 0);
	/* a second later the next one goes out; A has nothing with that SPI any more */
	n.now += 1000;
	ck_assert_int_eq(ike_invalid_spi(n.p[1].e, n.now, TN_B_ADDR, TN_A_ADDR, stale), IKE_INVALID_SPI_NOTIFIED);
	tn_run(&n, 10);
	ck_assert_uint_eq(ike_get_stats(n.p[0].e)->invalid_spi_unmatched, 1);
	ck_assert_uint_eq(n.p[0].ndown, 1);
	ck_assert_uint_ge(tn_log_has(&n, 0, "no IPsec SA of ours uses it"), 1);
	/* no ISAKMP SA with the sender and no recovery configured: only reported */
	ck_assert_int_eq(ike_invalid_spi(n.p[0].e, n.now, TN_A_ADDR, TN_IP(192, 0, 2, 9), 0x1234),
			 IKE_INVALID_SPI_NO_IKE_SA);
	ck_assert_uint_eq(ike_get_stats(n.p[0].e)->invalid_spi_no_sa, 1);
	ck_assert_uint_eq(n.qlen, 0);
	ck_assert_str_eq(ike_invalid_spi_name(IKE_INVALID_SPI_RATE_LIMITED), "rate-limited");
	ck_assert_str_eq(ike_invalid_spi_name(IKE_INVALID_SPI_NO_IKE_SA), "no IKE SA");
	ck_assert_int_eq(ike_invalid_spi(NULL, 0, 0, 0, 0), IKE_INVALID_SPI_NO_IKE_SA);
	/* an unprotected INVALID-SPI is refused like every other cleartext notify */
	memset(&h, 0, sizeof(h));
	ck_assert_uint_eq(ike_list_isakmp(n.p[0].e, n.now, info, 4), 1);
	memcpy(h.icookie, info[0].icookie, 8);
	memcpy(h.rcookie, info[0].rcookie, 8);
	h.maj_ver = 1;
	h.exchange = 5;
	h.msgid = 0x01020304;
	isakmp_build_init(&b, msg, sizeof(msg), &h);
	spi[0] = (uint8_t)(n.p[0].up[0].spi_out >> 24);
	spi[1] = (uint8_t)(n.p[0].up[0].spi_out >> 16);
	spi[2] = (uint8_t)(n.p[0].up[0].spi_out >> 8);
	spi[3] = (uint8_t)n.p[0].up[0].spi_out;
	isakmp_build_notify(&b, 1, 3, 11, spi, 4, NULL, 0);
	len = isakmp_build_finish(&b);
	ck_assert_int_gt(len, 0);
	tn_inject(&n, 0, 500, 500, msg, (size_t)len);
	ck_assert_uint_eq(ike_get_stats(n.p[0].e)->dropped[IKE_DROP_UNPROTECTED], 1);
	ck_assert_uint_eq(ike_get_stats(n.p[0].e)->invalid_spi_received, 2);
	tn_free(&n);
}
END_TEST

static void two_flows(struct ike_cfg *a, struct ike_cfg *b)
{
	tn_cfg(a, 0, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, 14, ESP_ENC_AES_CBC, 128, ESP_AUTH_HMAC_SHA1, 0, 0);
	tn_cfg(b, 1, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, 14, ESP_ENC_AES_CBC, 128, ESP_AUTH_HMAC_SHA1, 0, 0);
	a->conns[0].nsel = b->conns[0].nsel = 2;
	a->conns[0].sel[1] = (struct ike_selector){ TN_IP(10, 1, 1, 0), TN_IP(10, 2, 1, 0), 24, 24, 0, 0, 0 };
	b->conns[0].sel[1] = (struct ike_selector){ TN_IP(10, 2, 1, 0), TN_IP(10, 1, 1, 0), 24, 24, 0, 0, 0 };
}

/* crypto isakmp invalid-spi-recovery: B has no ISAKMP SA with A when A's stale ESP
 * arrives; B runs Main Mode (no Quick Mode) only to send the notify, and A drops the
 * stale pair — by the notify when B still holds another SA with A (no INITIAL-CONTACT),
 * by INITIAL-CONTACT after B rebooted (the notify then finds nothing). */
START_TEST(test_invalid_spi_recovery)
{
	static struct tn n;
	struct ike_cfg a, b;
	struct ike_child ch[8];
	uint32_t stale;
	unsigned k;

	two_flows(&a, &b);
	b.invalid_spi_recovery = 1;
	tn_init(&n, &a, &b);
	establish(&n);
	ck_assert_int_eq(ike_acquire(n.p[0].e, n.now, 0, 1), 0);
	tn_run(&n, 100);
	ck_assert_uint_eq(n.p[0].nup, 2);
	b_loses_child(&n, 0);
	ike_clear_isakmp(n.p[1].e, n.now);               /* B: no ISAKMP SA, one IPsec SA left */
	tn_run(&n, 100);
	ck_assert_uint_eq(live_sas(&n, 0), 0);
	ck_assert_uint_eq(live_sas(&n, 1), 0);
	stale = n.p[0].up[0].spi_out;
	ck_assert_int_eq(ike_invalid_spi(n.p[1].e, n.now, TN_B_ADDR, TN_A_ADDR, stale),
			 IKE_INVALID_SPI_NEGOTIATING);
	/* more stale packets while Main Mode runs: no second negotiation */
	ck_assert_int_eq(ike_invalid_spi(n.p[1].e, n.now, TN_B_ADDR, TN_A_ADDR, stale),
			 IKE_INVALID_SPI_NEGOTIATING);
	ck_assert_uint_eq(ike_get_stats(n.p[1].e)->invalid_spi_recoveries, 1);
	ck_assert_uint_eq(n.qlen, 1);                    /* one MM1 */
	tn_run(&n, 100);
	ck_assert_uint_eq(live_sas(&n, 0), 1);
	ck_assert_uint_eq(live_sas(&n, 1), 1);
	ck_assert_uint_eq(n.p[0].nup, 2);                /* no Quick Mode */
	ck_assert_uint_eq(n.p[1].nup, 2);
	ck_assert_uint_eq(tn_log_has(&n, 0, "INITIAL-CONTACT"), 0);
	ck_assert_uint_eq(ike_get_stats(n.p[1].e)->invalid_spi_sent, 1);
	ck_assert_uint_eq(n.p[0].ndown, 1);
	ck_assert_str_eq(n.p[0].down[0].reason, "peer reported invalid SPI");
	ck_assert_uint_eq(n.p[0].down[0].c.spi_out, stale);
	ck_assert_uint_eq(ike_list_children(n.p[0].e, ch, 8), 1);   /* flow 1 is untouched */
	ck_assert_uint_eq(ch[0].spi_in, n.p[0].up[1].spi_in);
	/* with the SA up again, the next stale packet within the second is rate-limited */
	ck_assert_int_eq(ike_invalid_spi(n.p[1].e, n.now, TN_B_ADDR, TN_A_ADDR, stale),
			 IKE_INVALID_SPI_RATE_LIMITED);
	tn_free(&n);

	/* B reboots: its MM5 carries INITIAL-CONTACT, which already removes A's pair */
	setup_default(&n);
	n.p[1].cfg.invalid_spi_recovery = 1;
	tn_restart(&n, 1);
	establish(&n);
	stale = n.p[0].up[0].spi_out;
	tn_restart(&n, 1);
	ck_assert_int_eq(ike_invalid_spi(n.p[1].e, n.now, TN_B_ADDR, TN_A_ADDR, stale),
			 IKE_INVALID_SPI_NEGOTIATING);
	tn_run(&n, 100);
	ck_assert_uint_eq(n.p[0].ndown, 1);
	ck_assert_str_eq(n.p[0].down[0].reason, "initial contact");
	ck_assert_uint_eq(ike_get_stats(n.p[1].e)->invalid_spi_sent, 1);
	ck_assert_uint_eq(ike_get_stats(n.p[0].e)->invalid_spi_received, 1);
	ck_assert_uint_eq(ike_get_stats(n.p[0].e)->invalid_spi_unmatched, 1);
	ck_assert_uint_eq(n.p[0].nup + n.p[1].nup, 1);   /* still no Quick Mode */
	tn_free(&n);

	/* A does not answer: the recovery dies with its Main Mode (63 s), nothing is sent,
	 * and the next stale packet starts another one */
	setup_default(&n);
	n.p[1].cfg.invalid_spi_recovery = 1;
	tn_restart(&n, 1);
	n.drop = drop_all_from_a;
	ck_assert_int_eq(ike_invalid_spi(n.p[1].e, n.now, TN_B_ADDR, TN_A_ADDR, 0x11223344),
			 IKE_INVALID_SPI_NEGOTIATING);
	for (k = 0; k < 3; k++)
		ck_assert_int_eq(ike_invalid_spi(n.p[1].e, n.now, TN_B_ADDR, TN_A_ADDR, 0x11223345 + k),
				 IKE_INVALID_SPI_NEGOTIATING);
	tn_advance(&n, 64000);
	ck_assert_uint_eq(live_sas(&n, 1), 0);
	ck_assert_uint_ge(tn_log_has(&n, 1, "INVALID_SPI notify for 0x11223344 not sent"), 1);
	ck_assert_uint_eq(ike_get_stats(n.p[1].e)->invalid_spi_sent, 0);
	ck_assert_int_eq(ike_invalid_spi(n.p[1].e, n.now, TN_B_ADDR, TN_A_ADDR, 0x11223344),
			 IKE_INVALID_SPI_NEGOTIATING);
	ck_assert_uint_eq(ike_get_stats(n.p[1].e)->invalid_spi_recoveries, 2);
	/* and when A answers this time, all the SPIs that came meanwhile are told */
	n.drop = NULL;
	for (k = 0; k < 3; k++)
		ike_invalid_spi(n.p[1].e, n.now, TN_B_ADDR, TN_A_ADDR, 0x11223345 + k);
	tn_run(&n, 100);
	ck_assert_uint_eq(ike_get_stats(n.p[1].e)->invalid_spi_sent, 4);
	ck_assert_uint_eq(ike_get_stats(n.p[0].e)->invalid_spi_unmatched, 4);
	tn_free(&n);
}
END_TEST

/* B reboots; A's next DPD probe (an Informational for cookies B never heard of) is
 * dropped and counted with seed 003's words, the log line at most once a second. */
START_TEST(test_info_unknown_cookie)
{
	static struct tn n;
	struct ike_sa_info info[4];
	const struct tn_msg *probe;
	const char *words = "Received informational exchange packet from 192.0.2.1 dport 500 sport 500, "
			    "but IKE SA is inexistent or incomplete";
	unsigned k, rec;

	setup_default(&n);
	establish(&n);
	tn_restart(&n, 1);
	ck_assert_uint_eq(ike_list_isakmp(n.p[0].e, n.now, info, 4), 1);
	rec = n.nrec;
	ck_assert_uint_ne(ike_dpd_probe(n.p[0].e, n.now, info[0].conn_id), 0);
	ck_assert_uint_eq(n.nrec, rec + 1);
	probe = n.rec[rec];
	tn_run(&n, 10);
	ck_assert_uint_eq(ike_get_stats(n.p[1].e)->dropped[IKE_DROP_UNKNOWN_COOKIE], 1);
	ck_assert_uint_eq(tn_log_has(&n, 1, words), 1);
	ck_assert_uint_eq(n.qlen, 0);                    /* nothing answered */
	for (k = 0; k < 20; k++)
		tn_inject(&n, 1, 500, 500, probe->data, probe->len);
	ck_assert_uint_eq(ike_get_stats(n.p[1].e)->dropped[IKE_DROP_UNKNOWN_COOKIE], 21);
	ck_assert_uint_eq(tn_log_has(&n, 1, words), 1);
	n.now += 1000;
	tn_inject(&n, 1, 500, 500, probe->data, probe->len);
	ck_assert_uint_eq(tn_log_has(&n, 1, words), 2);
	ck_assert_uint_eq(tn_log_has(&n, 1, "(20 similar suppressed)"), 1);
	tn_free(&n);
}
END_TEST

/* Two `set peer` (seed 000's HQ-1, HQ-2): B's engine answers as both 192.0.2.3 (HQ-1)
 * and 192.0.2.2 (HQ-2). HQ-1 dies: A sends its Deletes to it, the next flow goes to
 * HQ-2 at once; HQ-1 back: a new flow still goes to HQ-2 (no preemption). */
START_TEST(test_peer_dead_failover)
{
	static struct tn n;
	struct ike_cfg a, b;
	const uint32_t hq1 = TN_IP(192, 0, 2, 3);
	unsigned rec, i, deletes = 0;

	two_flows(&a, &b);
	a.psks[0].addr = 0;                  /* crypto isakmp key cisco123 address 0.0.0.0 0.0.0.0 */
	a.psks[0].mask = 0;
	a.conns[0].npeers = 2;
	a.conns[0].peers[0] = hq1;
	a.conns[0].peers[1] = TN_B_ADDR;
	b.conns[0].local_addr = 0;           /* B answers on either address */
	a.conns[0].nsel = b.conns[0].nsel = 3;
	a.conns[0].sel[2] = (struct ike_selector){ TN_IP(10, 1, 2, 0), TN_IP(10, 2, 2, 0), 24, 24, 0, 0, 0 };
	b.conns[0].sel[2] = (struct ike_selector){ TN_IP(10, 2, 2, 0), TN_IP(10, 1, 2, 0), 24, 24, 0, 0, 0 };
	tn_init(&n, &a, &b);
	establish(&n);
	ck_assert_uint_eq(n.p[0].up[0].remote.addr, hq1);
	n.drop = drop_to_c;                  /* HQ-1 is gone */
	rec = n.nrec;
	ike_peer_dead(n.p[0].e, n.now, hq1, "peer not responding (DPD)");
	ck_assert_uint_eq(n.p[0].ndown, 1);
	ck_assert_str_eq(n.p[0].down[0].reason, "peer not responding (DPD)");
	for (i = rec; i < n.nrec; i++) {
		ck_assert_uint_eq(n.rec[i]->dst.addr, hq1);
		ck_assert(is_exch(n.rec[i], 5) && (n.rec[i]->data[19] & 1));
		deletes++;
	}
	ck_assert_uint_eq(deletes, 2);       /* Delete ESP, Delete ISAKMP */
	ck_assert_uint_eq(tn_log_has(&n, 0, "peer 192.0.2.3 dead, next negotiation with peer 192.0.2.2"), 1);
	/* the next packet of the flow: Main Mode with HQ-2 right away */
	rec = n.nrec;
	ck_assert_int_eq(ike_acquire(n.p[0].e, n.now, 0, 0), 0);
	ck_assert_uint_eq(n.nrec, rec + 1);
	ck_assert_uint_eq(n.rec[rec]->dst.addr, TN_B_ADDR);
	tn_run(&n, 100);
	ck_assert_uint_eq(n.p[0].nup, 2);
	ck_assert_uint_eq(n.p[0].up[1].remote.addr, TN_B_ADDR);
	/* HQ-1 recovers; a second flow still goes to HQ-2, over the SA that exists */
	n.drop = NULL;
	rec = n.nrec;
	ck_assert_int_eq(ike_acquire(n.p[0].e, n.now, 0, 1), 0);
	tn_run(&n, 100);
	ck_assert_uint_eq(n.p[0].nup, 3);
	ck_assert_uint_eq(n.p[0].up[2].remote.addr, TN_B_ADDR);
	ck_assert_uint_eq(n.p[0].up[2].local_sel.src, TN_IP(10, 1, 1, 0));
	for (i = rec; i < n.nrec; i++)
		ck_assert_uint_ne(n.rec[i]->dst.addr, hq1);
	ck_assert_uint_eq(live_sas(&n, 0), 1);
	/* a reconfigure that keeps the `set peer` list keeps the failover; with no ISAKMP SA
	 * left, a third flow's Main Mode still goes to HQ-2 */
	n.p[0].cfg.invalid_spi_recovery = 1;
	ck_assert_int_eq(ike_reconfigure(n.p[0].e, &n.p[0].cfg), 0);
	ike_clear_isakmp(n.p[0].e, n.now);
	tn_run(&n, 100);
	ck_assert_uint_eq(live_sas(&n, 0), 0);
	rec = n.nrec;
	ck_assert_int_eq(ike_acquire(n.p[0].e, n.now, 0, 2), 0);
	ck_assert_uint_eq(n.nrec, rec + 1);
	ck_assert_uint_eq(n.rec[rec]->dst.addr, TN_B_ADDR);
	tn_run(&n, 100);
	ck_assert_uint_eq(n.p[0].nup, 4);
	tn_free(&n);
}
END_TEST

/* --- lifetimes -------------------------------------------------------------------- */

START_TEST(test_rekey)
{
	static struct tn n;
	struct ike_cfg a, b;
	struct ike_child ch[8];

	tn_cfg(&a, 0, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, 14, ESP_ENC_AES_CBC, 128, ESP_AUTH_HMAC_SHA1,
	       0, 1);
	tn_cfg(&b, 1, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, 14, ESP_ENC_AES_CBC, 128, ESP_AUTH_HMAC_SHA1,
	       0, 1);
	a.conns[0].lifetime_s = b.conns[0].lifetime_s = 100;
	tn_init(&n, &a, &b);
	n.nat = 1;
	establish(&n);
	ck_assert_uint_eq(n.p[0].up[0].lifetime_s, 100);
	/* soft expiry: 90 % minus up to 5 % jitter → between 85 and 90 s */
	tn_advance(&n, 84900);
	ck_assert_uint_eq(n.p[0].nup, 1);
	tn_advance(&n, 5200);
	ck_assert_uint_eq(n.p[0].nup, 2);
	ck_assert_uint_eq(n.p[1].nup, 2);
	ck_assert(tn_children_match(&n, 1, 1));
	ck_assert_uint_ne(n.p[0].up[1].spi_in, n.p[0].up[0].spi_in);
	ck_assert_uint_eq(n.p[0].up[1].remote.port, 4500);
	ck_assert_uint_eq(n.p[0].ndown, 0);
	/* hard expiry of the old pair at 100 s; the new one stays */
	tn_advance(&n, 10000);
	ck_assert_uint_eq(n.p[0].ndown, 1);
	ck_assert_str_eq(n.p[0].down[0].reason, "lifetime");
	ck_assert_uint_eq(n.p[0].down[0].c.spi_in, n.p[0].up[0].spi_in);
	ck_assert_uint_eq(n.p[1].ndown, 1);
	ck_assert_uint_eq(ike_list_children(n.p[0].e, ch, 8), 1);
	ck_assert_uint_eq(ch[0].spi_in, n.p[0].up[1].spi_in);
	ck_assert_uint_eq(ike_list_children(n.p[1].e, ch, 8), 1);
	tn_free(&n);
}
END_TEST

/* Phase-1 hard expiry: the ISAKMP SA goes (Delete sent), the IPsec SAs stay; the next
 * rekey builds a new Main Mode first. */
START_TEST(test_p1_lifetime)
{
	static struct tn n;
	struct ike_cfg a, b;
	struct ike_sa_info info[4];
	size_t i, cnt, live;

	tn_cfg(&a, 0, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, 2, ESP_ENC_AES_CBC, 128, ESP_AUTH_HMAC_SHA1, 0, 0);
	tn_cfg(&b, 1, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, 2, ESP_ENC_AES_CBC, 128, ESP_AUTH_HMAC_SHA1, 0, 0);
	a.policies[0].lifetime_s = 60;          /* B keeps 86400: the smaller one is used */
	a.conns[0].lifetime_s = b.conns[0].lifetime_s = 120;
	tn_init(&n, &a, &b);
	establish(&n);
	ck_assert_uint_eq(ike_list_isakmp(n.p[1].e, n.now, info, 4), 1);
	ck_assert_uint_eq(info[0].lifetime_s, 60);
	ck_assert_uint_eq(info[0].remaining_s, 60);
	tn_advance(&n, 61000);
	ck_assert_uint_eq(ike_list_isakmp(n.p[1].e, n.now, info, 4), 1);
	ck_assert_int_eq(info[0].deleted, 1);         /* B honoured A's Delete */
	ck_assert_uint_eq(n.p[0].ndown + n.p[1].ndown, 0);
	/* soft expiry of the child at ~108 s: a new Main Mode, then Quick Mode */
	tn_advance(&n, 50000);
	ck_assert_uint_eq(n.p[0].nup, 2);
	ck_assert(tn_children_match(&n, 1, 1));
	cnt = ike_list_isakmp(n.p[0].e, n.now, info, 4);
	for (i = 0, live = 0; i < cnt; i++)
		live += !info[i].deleted;
	ck_assert_uint_eq(live, 1);
	/* DPD "peer dead": everything with B goes; one Delete for the IPsec SA and one for the
	 * ISAKMP SA leave best effort (seed 001: one more packet after "Bring down phase 2's") */
	ike_peer_dead(n.p[0].e, n.now, TN_B_ADDR, "peer dead");
	ck_assert_uint_eq(n.p[0].ndown, 2);
	ck_assert_str_eq(n.p[0].down[1].reason, "peer dead");
	ck_assert_uint_eq(n.qlen, 2);
	tn_run(&n, 10);
	ck_assert_uint_eq(n.p[1].ndown, 2);            /* a live B follows the Deletes */
	ck_assert_str_eq(n.p[1].down[1].reason, "peer delete");
	cnt = ike_list_isakmp(n.p[1].e, n.now, info, 4);
	for (i = 0, live = 0; i < cnt; i++)
		live += !info[i].deleted;
	ck_assert_uint_eq(live, 0);
	tn_free(&n);
}
END_TEST

/* Stateless failover (crypto map … redundancy): B's address moved to another router.
 * ike_clear_local drops B's SAs and a Main Mode in progress without a packet: no Delete,
 * no retransmission afterwards; A keeps its SAs (it finds out by DPD). */
START_TEST(test_clear_local)
{
	static struct tn n;
	struct ike_sa_info info[4];
	size_t cnt, i, live;

	setup_default(&n);
	establish(&n);
	ike_clear_local(n.p[1].e, n.now, TN_IP(192, 0, 2, 99), "not mine");   /* another address: nothing */
	ck_assert_uint_eq(n.p[1].ndown, 0);
	ike_clear_local(n.p[1].e, n.now, TN_B_ADDR, "redundancy: not active");
	ck_assert_uint_eq(n.qlen, 0);                     /* nothing sent */
	ck_assert_uint_eq(n.p[1].ndown, 1);
	ck_assert_str_eq(n.p[1].down[0].reason, "redundancy: not active");
	cnt = ike_list_isakmp(n.p[1].e, n.now, info, 4);
	for (i = 0, live = 0; i < cnt; i++)
		live += !info[i].deleted;
	ck_assert_uint_eq(live, 0);
	ck_assert_uint_eq(n.p[0].ndown, 0);               /* A knows nothing yet */
	tn_free(&n);

	/* a Main Mode under way from B (MM2 lost): gone, no retransmission of MM1 */
	setup_default(&n);
	n.drop = drop_all_from_b;
	ck_assert_int_eq(ike_acquire(n.p[1].e, n.now, 0, 0), 0);
	tn_run(&n, 10);
	ike_clear_local(n.p[1].e, n.now, TN_B_ADDR, "redundancy: not active");
	n.nsent = 0;
	n.drop = NULL;
	tn_advance(&n, 5000);
	ck_assert_uint_eq(n.nsent, 0);
	ck_assert_uint_eq(n.p[0].nup + n.p[1].nup, 0);
	tn_free(&n);
}
END_TEST

/* B's crypto map has a shorter lifetime: it answers RESPONDER-LIFETIME and A uses it. */
START_TEST(test_responder_lifetime)
{
	static struct tn n;
	struct ike_cfg a, b;

	tn_cfg(&a, 0, IKE_ENC_3DES, 0, IKE_HASH_MD5, 2, ESP_ENC_3DES, 0, ESP_AUTH_HMAC_MD5, 0, 0);
	tn_cfg(&b, 1, IKE_ENC_3DES, 0, IKE_HASH_MD5, 2, ESP_ENC_3DES, 0, ESP_AUTH_HMAC_MD5, 0, 0);
	b.conns[0].lifetime_s = 1800;
	b.conns[0].lifetime_kb = 100000;
	tn_init(&n, &a, &b);
	establish(&n);
	ck_assert_uint_eq(n.p[0].up[0].lifetime_s, 1800);
	ck_assert_uint_eq(n.p[0].up[0].lifetime_kb, 100000);
	ck_assert_uint_eq(n.p[1].up[0].lifetime_s, 1800);
	ck_assert_uint_eq(n.p[1].up[0].lifetime_kb, 100000);
	tn_free(&n);

	/* the other way round: A shorter, B takes A's value without a notify */
	a.conns[0].lifetime_s = 600;
	b.conns[0].lifetime_s = 0;
	b.conns[0].lifetime_kb = 0;
	tn_init(&n, &a, &b);
	establish(&n);
	ck_assert_uint_eq(n.p[0].up[0].lifetime_s, 600);
	ck_assert_uint_eq(n.p[1].up[0].lifetime_s, 600);
	ck_assert_uint_eq(n.p[1].up[0].lifetime_kb, 4608000);
	tn_free(&n);
}
END_TEST

/* Volume lifetime: rekey at 90 %, gone at 100 % of lifetime_kb. */
START_TEST(test_volume_lifetime)
{
	static struct tn n;
	struct ike_cfg a, b;

	tn_cfg(&a, 0, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, 2, ESP_ENC_AES_CBC, 128, ESP_AUTH_HMAC_SHA1, 0, 0);
	tn_cfg(&b, 1, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, 2, ESP_ENC_AES_CBC, 128, ESP_AUTH_HMAC_SHA1, 0, 0);
	a.conns[0].lifetime_kb = b.conns[0].lifetime_kb = 1000;
	tn_init(&n, &a, &b);
	establish(&n);
	ike_child_outbound(n.p[0].e, n.now, n.p[0].up[0].spi_in, 800 * 1024);
	tn_run(&n, 100);
	ck_assert_uint_eq(n.p[0].nup, 1);
	ike_child_inbound(n.p[0].e, n.now, n.p[0].up[0].spi_in, 101 * 1024);
	tn_run(&n, 100);
	ck_assert_uint_eq(n.p[0].nup, 2);                /* rekeyed at 900 KB */
	ike_child_inbound(n.p[0].e, n.now, n.p[0].up[0].spi_in, 100 * 1024);
	tn_run(&n, 100);
	ck_assert_uint_eq(n.p[0].ndown, 1);
	ck_assert_str_eq(n.p[0].down[0].reason, "lifetime");
	ck_assert_uint_eq(n.p[1].ndown, 1);
	ck_assert_str_eq(n.p[1].down[0].reason, "peer delete");
	ike_child_inbound(n.p[0].e, n.now, 0xdeadbeef, 1);   /* unknown SPI: ignored */
	tn_free(&n);
}
END_TEST

/* --- refusals --------------------------------------------------------------------- */

START_TEST(test_no_proposal_p1)
{
	static struct tn n;
	struct ike_cfg a, b;
	struct ike_sa_info info[4];

	tn_cfg(&a, 0, IKE_ENC_DES, 0, IKE_HASH_MD5, 1, ESP_ENC_DES, 0, ESP_AUTH_HMAC_MD5, 0, 0);
	tn_cfg(&b, 1, IKE_ENC_3DES, 0, IKE_HASH_SHA1, 2, ESP_ENC_DES, 0, ESP_AUTH_HMAC_MD5, 0, 0);
	tn_init(&n, &a, &b);
	ck_assert_int_eq(ike_acquire(n.p[0].e, n.now, 0, 0), 0);
	tn_run(&n, 100);
	ck_assert_uint_eq(ike_get_stats(n.p[1].e)->dropped[IKE_DROP_NO_PROPOSAL], 1);
	ck_assert_uint_eq(ike_list_isakmp(n.p[1].e, n.now, info, 4), 0);
	/* B said NO-PROPOSAL-CHOSEN in clear; A notes it and does not answer */
	ck_assert_ptr_nonnull(find_rec(&n, 1, 5, 0, 0));
	ck_assert_uint_eq(ike_get_stats(n.p[0].e)->dropped[IKE_DROP_UNPROTECTED], 1);
	tn_advance(&n, 70000);
	ck_assert_uint_eq(n.p[0].nup + n.p[1].nup, 0);
	ck_assert_uint_eq(ike_list_isakmp(n.p[0].e, n.now, info, 4), 1);
	ck_assert_int_eq(info[0].deleted, 1);        /* given up, listed while it lingers */
	tn_free(&n);
}
END_TEST

START_TEST(test_no_proposal_p2)
{
	static struct tn n;
	struct ike_cfg a, b;

	tn_cfg(&a, 0, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, 14, ESP_ENC_DES, 0, ESP_AUTH_HMAC_MD5, 0, 0);
	tn_cfg(&b, 1, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, 14, ESP_ENC_3DES, 0, ESP_AUTH_HMAC_SHA1, 0, 0);
	tn_init(&n, &a, &b);
	ck_assert_int_eq(ike_acquire(n.p[0].e, n.now, 0, 0), 0);
	tn_run(&n, 100);
	ck_assert_uint_eq(ike_get_stats(n.p[1].e)->dropped[IKE_DROP_NO_PROPOSAL], 1);
	ck_assert_uint_eq(n.p[0].nup + n.p[1].nup, 0);
	ck_assert_ptr_nonnull(find_rec(&n, 1, 5, 1, 0));   /* encrypted NO-PROPOSAL-CHOSEN */
	tn_advance(&n, 70000);
	ck_assert_uint_eq(n.p[0].nup + n.p[1].nup, 0);
	tn_free(&n);

	/* PFS required by B, not offered by A */
	tn_cfg(&a, 0, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, 14, ESP_ENC_DES, 0, ESP_AUTH_HMAC_MD5, 0, 0);
	tn_cfg(&b, 1, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, 14, ESP_ENC_DES, 0, ESP_AUTH_HMAC_MD5, 2, 0);
	tn_init(&n, &a, &b);
	ike_acquire(n.p[0].e, n.now, 0, 0);
	tn_run(&n, 100);
	ck_assert_uint_eq(ike_get_stats(n.p[1].e)->dropped[IKE_DROP_NO_PROPOSAL], 1);
	tn_free(&n);

	/* PFS offered by A, not configured on B: accepted (IOS behaviour) */
	tn_cfg(&a, 0, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, 14, ESP_ENC_DES, 0, ESP_AUTH_HMAC_MD5, 5, 0);
	tn_cfg(&b, 1, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, 14, ESP_ENC_DES, 0, ESP_AUTH_HMAC_MD5, 0, 0);
	tn_init(&n, &a, &b);
	establish(&n);
	ck_assert_uint_eq(n.p[1].up[0].pfs_group, 5);
	ck_assert(tn_children_match(&n, 0, 0));
	tn_free(&n);
}
END_TEST

START_TEST(test_wrong_psk)
{
	static struct tn n;
	struct ike_cfg a, b;

	tn_cfg(&a, 0, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, 14, ESP_ENC_AES_CBC, 128, ESP_AUTH_HMAC_SHA1, 0, 0);
	tn_cfg(&b, 1, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, 14, ESP_ENC_AES_CBC, 128, ESP_AUTH_HMAC_SHA1, 0, 0);
	snprintf(b.psks[0].key, sizeof(b.psks[0].key), "other");
	tn_init(&n, &a, &b);
	ike_acquire(n.p[0].e, n.now, 0, 0);
	tn_run(&n, 100);
	/* with another key SKEYID_e differs: MM5 does not even decrypt on B */
	ck_assert_uint_eq(ike_get_stats(n.p[1].e)->dropped[IKE_DROP_DECRYPT] +
			  ike_get_stats(n.p[1].e)->dropped[IKE_DROP_HASH], 1);
	ck_assert_uint_eq(n.p[0].nup + n.p[1].nup, 0);
	tn_free(&n);

	/* longest mask wins: a wildcard with the wrong key, the /24 with the right one, and a
	 * host entry without mask (IOS `address A`) for another host */
	b.npsks = 3;
	b.psks[0] = (struct ike_psk){ 0, 0, "wrong" };
	b.psks[1] = (struct ike_psk){ TN_IP(192, 0, 2, 0), 0xffffff00u, "cisco123" };
	b.psks[2] = (struct ike_psk){ TN_IP(192, 0, 2, 7), 0, "other" };
	tn_init(&n, &a, &b);
	establish(&n);
	tn_free(&n);

	/* no key at all for the peer */
	b.npsks = 0;
	tn_init(&n, &a, &b);
	ike_acquire(n.p[0].e, n.now, 0, 0);
	tn_run(&n, 100);
	ck_assert_uint_eq(ike_get_stats(n.p[1].e)->dropped[IKE_DROP_NO_PSK], 1);
	tn_free(&n);
}
END_TEST

/* B's ACL does not cover what A proposes. */
START_TEST(test_bad_id)
{
	static struct tn n;
	struct ike_cfg a, b;

	tn_cfg(&a, 0, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, 14, ESP_ENC_AES_CBC, 128, ESP_AUTH_HMAC_SHA1, 0, 0);
	tn_cfg(&b, 1, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, 14, ESP_ENC_AES_CBC, 128, ESP_AUTH_HMAC_SHA1, 0, 0);
	b.conns[0].sel[0].dst_plen = 25;     /* 10.1.0.0/25 only: A's /24 is wider */
	tn_init(&n, &a, &b);
	ike_acquire(n.p[0].e, n.now, 0, 0);
	tn_run(&n, 100);
	ck_assert_uint_eq(ike_get_stats(n.p[1].e)->dropped[IKE_DROP_BAD_ID], 1);
	ck_assert_uint_eq(n.p[0].nup + n.p[1].nup, 0);
	tn_free(&n);

	/* narrower proposal inside the configured line: accepted, the proposal is used */
	a.conns[0].sel[0].dst = TN_IP(10, 2, 0, 128);
	a.conns[0].sel[0].dst_plen = 25;
	b.conns[0].sel[0].dst_plen = 24;
	tn_init(&n, &a, &b);
	establish(&n);
	ck_assert_uint_eq(n.p[1].up[0].local_sel.src, TN_IP(10, 2, 0, 128));
	ck_assert_uint_eq(n.p[1].up[0].local_sel.src_plen, 25);
	tn_free(&n);
}
END_TEST

START_TEST(test_shutdown)
{
	static struct tn n;
	uint8_t junk[40] = { 1 };

	setup_default(&n);
	establish(&n);
	ike_shutdown(n.p[0].e, n.now);
	ck_assert_uint_eq(n.p[0].ndown, 1);
	tn_run(&n, 100);
	ck_assert_uint_eq(n.p[1].ndown, 1);
	ck_assert_str_eq(n.p[1].down[0].reason, "peer delete");
	ck_assert_uint_eq(ike_next_timeout(n.p[0].e), UINT64_MAX);
	ck_assert_int_eq(ike_acquire(n.p[0].e, n.now, 0, 0), -1);
	tn_inject(&n, 0, 500, 500, junk, sizeof(junk));
	ck_assert_uint_eq(ike_get_stats(n.p[0].e)->dropped[IKE_DROP_SHUTDOWN], 1);
	tn_free(&n);
}
END_TEST

START_TEST(test_reconfigure)
{
	static struct tn n;
	struct ike_cfg c;
	struct ike_child ch[4];

	setup_default(&n);
	establish(&n);
	c = n.p[0].cfg;
	c.npolicies = 1;
	c.policies[0].enc = IKE_ENC_3DES;
	snprintf(c.conns[0].map, sizeof(c.conns[0].map), "newmap");
	c.conns[0].tsets[0].enc = ESP_ENC_3DES;
	ck_assert_int_eq(ike_reconfigure(n.p[0].e, &c), 0);
	ck_assert_uint_eq(ike_list_children(n.p[0].e, ch, 4), 1);
	ck_assert_uint_eq(ch[0].spi_in, n.p[0].up[0].spi_in);
	ck_assert_str_eq(ch[0].conn->map, "vpn");       /* the SA keeps its own entry */
	ck_assert_uint_eq(ch[0].enc, ESP_ENC_AES_CBC);
	c.nconns = 17;
	ck_assert_int_eq(ike_reconfigure(n.p[0].e, &c), -1);
	ck_assert_int_eq(ike_acquire(n.p[0].e, n.now, 5, 0), -1);
	ck_assert_int_eq(ike_acquire(n.p[0].e, n.now, 0, 9), -1);
	tn_free(&n);
}
END_TEST

/* A daemon that delivers synchronously: each engine's send callback calls the other's
 * ike_input directly, so an engine is re-entered while it processes a message. */
struct sync_pair { struct ike *e[2]; unsigned up[2]; struct ike_child c[2]; };

static void sync_send(struct sync_pair *p, int from, const struct ike_endpoint *local,
		      const struct ike_endpoint *remote, const uint8_t *msg, size_t len)
{
	struct ike_endpoint l = *remote, r = *local;

	ike_input(p->e[!from], 2000000, &l, &r, msg, len);
}

static void sync_send_a(void *ctx, const struct ike_endpoint *l, const struct ike_endpoint *r,
			const uint8_t *m, size_t n)
{
	sync_send(ctx, 0, l, r, m, n);
}

static void sync_send_b(void *ctx, const struct ike_endpoint *l, const struct ike_endpoint *r,
			const uint8_t *m, size_t n)
{
	sync_send(ctx, 1, l, r, m, n);
}

static void sync_up(struct sync_pair *p, int side, const struct ike_child *c)
{
	p->c[side] = *c;
	p->up[side]++;
}

static void sync_log(void *ctx, const char *line)
{
	(void)ctx;
	printf("%s\n", line);
}

static void sync_up_a(void *ctx, const struct ike_child *c) { sync_up(ctx, 0, c); }
static void sync_up_b(void *ctx, const struct ike_child *c) { sync_up(ctx, 1, c); }

START_TEST(test_reentrant_delivery)
{
	static struct sync_pair p;
	struct ike_cfg a, b;
	struct ike_ops oa = { &p, sync_send_a, sync_up_a, NULL, NULL, getenv("IKE_TEST_VERBOSE") ? sync_log : NULL };
	struct ike_ops ob = { &p, sync_send_b, sync_up_b, NULL, NULL, getenv("IKE_TEST_VERBOSE") ? sync_log : NULL };

	memset(&p, 0, sizeof(p));
	tn_cfg(&a, 0, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, 2, ESP_ENC_AES_CBC, 128, ESP_AUTH_HMAC_SHA1, 2, 0);
	tn_cfg(&b, 1, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, 2, ESP_ENC_AES_CBC, 128, ESP_AUTH_HMAC_SHA1, 2, 0);
	p.e[0] = ike_new(&a, &oa);
	p.e[1] = ike_new(&b, &ob);
	ck_assert_int_eq(ike_acquire(p.e[0], 2000000, 0, 0), 0);
	ck_assert_uint_eq(p.up[0], 1);
	ck_assert_uint_eq(p.up[1], 1);
	ck_assert_uint_eq(p.c[0].spi_in, p.c[1].spi_out);
	ck_assert_mem_eq(p.c[0].key_in, p.c[1].key_out, p.c[0].enc_key_len + p.c[0].auth_key_len);
	/* a rekey-like second flow from B, then clear: every callback re-enters */
	ck_assert_int_eq(ike_acquire(p.e[1], 2000000, 0, 0), 1);
	ike_clear_all(p.e[1], 2000000);
	ck_assert_uint_eq(ike_list_children(p.e[0], p.c, 2), 0);   /* A honoured B's Deletes */
	ike_free(p.e[0]);
	ike_free(p.e[1]);
}
END_TEST

/* Names for every drop reason; NULL-safe entry points. */
START_TEST(test_api_edges)
{
	struct ike_cfg c;
	int i;

	for (i = 0; i < IKE_DROP_MAX; i++)
		ck_assert_str_ne(ike_drop_name(i), "unknown");
	ck_assert_str_eq(ike_drop_name(IKE_DROP_MAX), "unknown");
	ck_assert_str_eq(ike_drop_name(IKE_DROP_MALFORMED), "malformed");
	ck_assert_str_eq(ike_drop_name(IKE_DROP_UNKNOWN_COOKIE), "unknown cookie");
	memset(&c, 0, sizeof(c));
	c.npsks = 99;
	ck_assert_ptr_null(ike_new(&c, NULL));
	ck_assert_ptr_null(ike_new(NULL, NULL));
	ike_free(NULL);
	ike_input(NULL, 0, NULL, NULL, NULL, 0);
	ike_tick(NULL, 0);
	ck_assert_uint_eq(ike_next_timeout(NULL), UINT64_MAX);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ike");
	TCase *tc = tcase_create("exchange");
	SRunner *sr;
	int failed;
	OSSL_PROVIDER *pd = OSSL_PROVIDER_load(NULL, "default");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_mm_qm, 0, 16);
	tcase_add_test(tc, test_retransmit);
	tcase_add_test(tc, test_give_up);
	tcase_add_test(tc, test_failover);
	tcase_add_test(tc, test_duplicate);
	tcase_add_test(tc, test_delete_honoured);
	tcase_add_test(tc, test_clear_isakmp);
	tcase_add_test(tc, test_initial_contact);
	tcase_add_test(tc, test_choice);
	tcase_add_test(tc, test_drop_log_rate);
	tcase_add_test(tc, test_dpd);
	tcase_add_test(tc, test_invalid_spi_notify);
	tcase_add_test(tc, test_invalid_spi_recovery);
	tcase_add_test(tc, test_info_unknown_cookie);
	tcase_add_test(tc, test_peer_dead_failover);
	tcase_add_test(tc, test_clear_local);
	tcase_add_test(tc, test_rekey);
	tcase_add_test(tc, test_p1_lifetime);
	tcase_add_test(tc, test_responder_lifetime);
	tcase_add_test(tc, test_volume_lifetime);
	tcase_add_test(tc, test_no_proposal_p1);
	tcase_add_test(tc, test_no_proposal_p2);
	tcase_add_test(tc, test_wrong_psk);
	tcase_add_test(tc, test_bad_id);
	tcase_add_test(tc, test_shutdown);
	tcase_add_test(tc, test_reconfigure);
	tcase_add_test(tc, test_reentrant_delivery);
	tcase_add_test(tc, test_api_edges);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	OSSL_PROVIDER_unload(pd);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
