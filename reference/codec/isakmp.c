/* isakmp.c — ISAKMP / IKEv1 message codec: header (RFC 2408 §3.1), the generic
 * payload chain (§3.2) and every payload body of RFC 2408 §3.4–3.16, RFC 2407 §4.6 and
 * RFC 3947 §3.2/§5.2, plus the builders used by tests and refgw.
 *
 * Every read goes through a bufrd; every length is checked before it is used (header
 * fits, declared length ≤ what remains, ≥ the type's minimum); nothing is allocated.
 */
#include <stdio.h>
#include <string.h>
#include "bufrd.h"
#include "isakmp.h"

/* RFC 3706 §5.1 */
const uint8_t isakmp_vid_dpd[16] = {
	0xAF, 0xCA, 0xD7, 0x13, 0x68, 0xA1, 0xF1, 0xC9,
	0x6B, 0x86, 0x96, 0xFC, 0x77, 0x57, 0x01, 0x00,
};

/* RFC 3947 §3: MD5("RFC 3947") */
const uint8_t isakmp_vid_rfc3947[16] = {
	0x4A, 0x13, 0x1C, 0x81, 0x07, 0x03, 0x58, 0x45,
	0x5C, 0x57, 0x28, 0xF2, 0x0E, 0x95, 0x45, 0x2F,
};

#define ISAKMP_FLAGS_KNOWN (ISAKMP_FLAG_E | ISAKMP_FLAG_C | ISAKMP_FLAG_A)

/* RFC 2407 §4.6.2.1 identification types with a fixed data length */
#define ISAKMP_ID_IPV4_ADDR        1
#define ISAKMP_ID_IPV4_ADDR_SUBNET 4
#define ISAKMP_ID_IPV6_ADDR        5
#define ISAKMP_ID_IPV6_ADDR_SUBNET 6
#define ISAKMP_ID_IPV4_ADDR_RANGE  7
#define ISAKMP_ID_IPV6_ADDR_RANGE  8

/* --- names ------------------------------------------------------------------- */

static _Thread_local char isakmp_name_buf[24];

static const char *isakmp_unknown_name(unsigned v)
{
	snprintf(isakmp_name_buf, sizeof(isakmp_name_buf), "type %u", v);
	return isakmp_name_buf;
}

const char *isakmp_exch_name(uint8_t exch)
{
	switch (exch) {
	case ISAKMP_EXCH_NONE:       return "None";
	case ISAKMP_EXCH_BASE:       return "Base";
	case ISAKMP_EXCH_MAIN:       return "Main Mode";
	case ISAKMP_EXCH_AUTH_ONLY:  return "Authentication Only";
	case ISAKMP_EXCH_AGGRESSIVE: return "Aggressive Mode";
	case ISAKMP_EXCH_INFO:       return "Informational";
	case ISAKMP_EXCH_QUICK:      return "Quick Mode";
	case ISAKMP_EXCH_NEW_GROUP:  return "New Group Mode";
	}
	return isakmp_unknown_name(exch);
}

const char *isakmp_pl_name(uint8_t type)
{
	switch (type) {
	case ISAKMP_PL_NONE:        return "NONE";
	case ISAKMP_PL_SA:          return "SA";
	case ISAKMP_PL_P:           return "P";
	case ISAKMP_PL_T:           return "T";
	case ISAKMP_PL_KE:          return "KE";
	case ISAKMP_PL_ID:          return "ID";
	case ISAKMP_PL_CERT:        return "CERT";
	case ISAKMP_PL_CR:          return "CR";
	case ISAKMP_PL_HASH:        return "HASH";
	case ISAKMP_PL_SIG:         return "SIG";
	case ISAKMP_PL_NONCE:       return "NONCE";
	case ISAKMP_PL_N:           return "N";
	case ISAKMP_PL_D:           return "D";
	case ISAKMP_PL_VID:         return "VID";
	case ISAKMP_PL_NATD:        return "NAT-D";
	case ISAKMP_PL_NATOA:       return "NAT-OA";
	case ISAKMP_PL_NATD_DRAFT:  return "NAT-D (draft)";
	case ISAKMP_PL_NATOA_DRAFT: return "NAT-OA (draft)";
	}
	return isakmp_unknown_name(type);
}

/* RFC 2408 §3.14.1, RFC 2407 §4.6.3, RFC 3706 §5.3 */
static const char *const isakmp_notify_err_names[] = {
	[1] = "INVALID-PAYLOAD-TYPE", [2] = "DOI-NOT-SUPPORTED",
	[3] = "SITUATION-NOT-SUPPORTED", [4] = "INVALID-COOKIE",
	[5] = "INVALID-MAJOR-VERSION", [6] = "INVALID-MINOR-VERSION",
	[7] = "INVALID-EXCHANGE-TYPE", [8] = "INVALID-FLAGS",
	[9] = "INVALID-MESSAGE-ID", [10] = "INVALID-PROTOCOL-ID",
	[11] = "INVALID-SPI", [12] = "INVALID-TRANSFORM-ID",
	[13] = "ATTRIBUTES-NOT-SUPPORTED", [14] = "NO-PROPOSAL-CHOSEN",
	[15] = "BAD-PROPOSAL-SYNTAX", [16] = "PAYLOAD-MALFORMED",
	[17] = "INVALID-KEY-INFORMATION", [18] = "INVALID-ID-INFORMATION",
	[19] = "INVALID-CERT-ENCODING", [20] = "INVALID-CERTIFICATE",
	[21] = "CERT-TYPE-UNSUPPORTED", [22] = "INVALID-CERT-AUTHORITY",
	[23] = "INVALID-HASH-INFORMATION", [24] = "AUTHENTICATION-FAILED",
	[25] = "INVALID-SIGNATURE", [26] = "ADDRESS-NOTIFICATION",
	[27] = "NOTIFY-SA-LIFETIME", [28] = "CERTIFICATE-UNAVAILABLE",
	[29] = "UNSUPPORTED-EXCHANGE-TYPE", [30] = "UNEQUAL-PAYLOAD-LENGTHS",
};

const char *isakmp_notify_name(uint16_t type)
{
	if (type < sizeof(isakmp_notify_err_names) / sizeof(isakmp_notify_err_names[0]) &&
	    isakmp_notify_err_names[type] != NULL)
		return isakmp_notify_err_names[type];
	switch (type) {
	case ISAKMP_N_CONNECTED:          return "CONNECTED";
	case ISAKMP_N_RESPONDER_LIFETIME: return "RESPONDER-LIFETIME";
	case ISAKMP_N_REPLAY_STATUS:      return "REPLAY-STATUS";
	case ISAKMP_N_INITIAL_CONTACT:    return "INITIAL-CONTACT";
	case ISAKMP_N_R_U_THERE:          return "R-U-THERE";
	case ISAKMP_N_R_U_THERE_ACK:      return "R-U-THERE-ACK";
	}
	return isakmp_unknown_name(type);
}

/* --- decoding: helpers ------------------------------------------------------- */

/* A generic payload header (RFC 2408 §3.2) read from r, whose byte 0 is at `base`
 * in the caller's input. On success *sub is the payload body. */
struct isakmp_gen {
	uint8_t np, reserved;
	uint16_t length;
};

static int isakmp_read_gen(struct bufrd *r, size_t base, const char *what, size_t min_len,
			   struct isakmp_gen *g, struct bufrd *body, struct codec_err *err)
{
	size_t at = base + r->off;

	if (bufrd_left(r) < ISAKMP_GEN_HDR_LEN)
		return codec_err_set(err, CODEC_TRUNCATED, at,
				     "%s header needs 4 bytes, %zu left", what, bufrd_left(r));
	bufrd_u8(r, &g->np);
	bufrd_u8(r, &g->reserved);
	bufrd_u16(r, &g->length);
	/* RFC 2408 §3.2: RESERVED "MUST be set to 0"; §5.1 processing discards otherwise */
	if (g->reserved != 0)
		return codec_err_set(err, CODEC_BAD_RESERVED, at + 1,
				     "%s RESERVED is 0x%02x, must be 0", what, g->reserved);
	if (g->length < min_len)
		return codec_err_set(err, CODEC_BAD_LENGTH, at + 2,
				     "%s length %u below minimum %zu", what, g->length, min_len);
	if ((size_t)g->length - ISAKMP_GEN_HDR_LEN > bufrd_left(r))
		return codec_err_set(err, CODEC_BAD_LENGTH, at + 2,
				     "%s length %u exceeds the %zu bytes left", what, g->length,
				     bufrd_left(r) + ISAKMP_GEN_HDR_LEN);
	bufrd_sub(r, body, (size_t)g->length - ISAKMP_GEN_HDR_LEN);
	return 0;
}

/* Data attributes (RFC 2408 §3.3): AF|type (2), then value (2) for TV or length (2)
 * + value for TLV; the whole list must fill r exactly. */
static int isakmp_decode_attrs(struct bufrd *r, size_t base, struct isakmp_transform *t,
			       struct codec_err *err)
{
	t->nattrs = 0;
	while (bufrd_left(r) > 0) {
		size_t at = base + r->off;
		struct isakmp_attr *a;
		uint16_t af_type = 0, v = 0;

		if (t->nattrs >= ISAKMP_MAX_ATTRS)
			return codec_err_set(err, CODEC_TOO_MANY, at,
					     "transform %u has more than %d attributes",
					     t->number, ISAKMP_MAX_ATTRS);
		if (bufrd_left(r) < 4)
			return codec_err_set(err, CODEC_TRUNCATED, at,
					     "attribute needs 4 bytes, %zu left", bufrd_left(r));
		bufrd_u16(r, &af_type);
		bufrd_u16(r, &v);
		a = &t->attrs[t->nattrs];
		a->type = af_type & 0x7FFF;
		a->basic = (af_type & 0x8000) != 0;
		a->value = 0;
		a->data = NULL;
		a->data_len = 0;
		if (a->basic) {
			a->value = v;
		} else {
			/* TLV: the Attribute Length must fit in what the transform has left */
			if (v > bufrd_left(r))
				return codec_err_set(err, CODEC_BAD_LENGTH, at + 2,
						     "attribute %u length %u exceeds the %zu bytes left",
						     a->type, v, bufrd_left(r));
			bufrd_ptr(r, &a->data, v);
			a->data_len = v;
			if (v <= 8) {
				uint16_t i;

				for (i = 0; i < v; i++)
					a->value = a->value << 8 | a->data[i];
			}
		}
		t->nattrs++;
	}
	return 0;
}

/* Transform payload (RFC 2408 §3.6): #, ID, RESERVED2 (2), attributes. */
static int isakmp_decode_transform(struct bufrd *r, size_t base, struct isakmp_transform *t,
				   struct codec_err *err)
{
	uint16_t reserved2 = 0;

	bufrd_u8(r, &t->number);
	bufrd_u8(r, &t->id);
	bufrd_u16(r, &reserved2);
	if (reserved2 != 0)   /* RFC 2408 §3.6: RESERVED2 "MUST be set to 0" */
		return codec_err_set(err, CODEC_BAD_RESERVED, base + 2,
				     "transform %u RESERVED2 is 0x%04x, must be 0", t->number, reserved2);
	return isakmp_decode_attrs(r, base, t, err);
}

/* Proposal payload (RFC 2408 §3.5): #, Protocol-ID, SPI size, #transforms, SPI,
 * then a chain of Transform payloads that fills the proposal exactly. */
static int isakmp_decode_proposal(struct bufrd *r, size_t base, struct isakmp_proposal *p,
				  struct codec_err *err)
{
	uint8_t declared = 0, np = ISAKMP_PL_T;

	bufrd_u8(r, &p->number);
	bufrd_u8(r, &p->protocol);
	bufrd_u8(r, &p->spi_size);
	bufrd_u8(r, &declared);
	p->ntransforms = 0;
	p->spi = NULL;
	if (p->spi_size > bufrd_left(r))
		return codec_err_set(err, CODEC_BAD_LENGTH, base + 2,
				     "proposal %u SPI size %u exceeds the %zu bytes left",
				     p->number, p->spi_size, bufrd_left(r));
	bufrd_ptr(r, &p->spi, p->spi_size);
	if (declared == 0)
		return codec_err_set(err, CODEC_BAD_VALUE, base + 3,
				     "proposal %u has 0 transforms", p->number);
	while (np != ISAKMP_PL_NONE) {
		struct isakmp_gen g;
		struct bufrd body;
		size_t at = base + r->off;

		if (p->ntransforms >= ISAKMP_MAX_TRANSFORMS)
			return codec_err_set(err, CODEC_TOO_MANY, at,
					     "proposal %u has more than %d transforms",
					     p->number, ISAKMP_MAX_TRANSFORMS);
		if (isakmp_read_gen(r, base, "transform", ISAKMP_GEN_HDR_LEN + 4, &g, &body, err))
			return -1;
		/* RFC 2408 §3.6: the Next Payload of a transform is 3 (more) or 0 (last) */
		if (g.np != ISAKMP_PL_T && g.np != ISAKMP_PL_NONE)
			return codec_err_set(err, CODEC_BAD_TYPE, at,
					     "transform next payload %u, must be 3 or 0", g.np);
		if (isakmp_decode_transform(&body, at + ISAKMP_GEN_HDR_LEN,
					    &p->transforms[p->ntransforms], err))
			return -1;
		p->ntransforms++;
		np = g.np;
	}
	if (bufrd_left(r) != 0)
		return codec_err_set(err, CODEC_TRAILING, base + r->off,
				     "%zu bytes after the last transform of proposal %u",
				     bufrd_left(r), p->number);
	/* RFC 2408 §3.5: "# Of Transforms - Specifies the number of transforms" */
	if (p->ntransforms != declared)
		return codec_err_set(err, CODEC_BAD_VALUE, base + 3,
				     "proposal %u declares %u transforms, carries %u",
				     p->number, declared, p->ntransforms);
	return 0;
}

/* SA payload (RFC 2408 §3.4, IPsec DOI RFC 2407 §4.6.1): DOI, Situation, proposals. */
static int isakmp_decode_sa(struct bufrd *r, size_t base, struct isakmp_sa *sa,
			    struct codec_err *err)
{
	uint8_t np = ISAKMP_PL_P;

	sa->body = r->p;
	sa->body_len = r->len;
	sa->nproposals = 0;
	bufrd_u32(r, &sa->doi);
	bufrd_u32(r, &sa->situation);
	/* RFC 2407 §4.2: SIT_SECRECY/SIT_INTEGRITY add labelled-domain fields we do not
	 * decode; such an SA is refused rather than misread. */
	if (sa->doi == 1 && (sa->situation & 0x06))
		return codec_err_set(err, CODEC_BAD_VALUE, base + 4,
				     "labelled situation 0x%08x not supported", sa->situation);
	while (np != ISAKMP_PL_NONE) {
		struct isakmp_gen g;
		struct bufrd body;
		size_t at = base + r->off;

		if (sa->nproposals >= ISAKMP_MAX_PROPOSALS)
			return codec_err_set(err, CODEC_TOO_MANY, at,
					     "SA has more than %d proposals", ISAKMP_MAX_PROPOSALS);
		if (isakmp_read_gen(r, base, "proposal", ISAKMP_GEN_HDR_LEN + 4, &g, &body, err))
			return -1;
		/* RFC 2408 §3.5: the Next Payload of a proposal is 2 (more) or 0 (last) */
		if (g.np != ISAKMP_PL_P && g.np != ISAKMP_PL_NONE)
			return codec_err_set(err, CODEC_BAD_TYPE, at,
					     "proposal next payload %u, must be 2 or 0", g.np);
		if (isakmp_decode_proposal(&body, at + ISAKMP_GEN_HDR_LEN,
					   &sa->proposals[sa->nproposals], err))
			return -1;
		sa->nproposals++;
		np = g.np;
	}
	if (bufrd_left(r) != 0)
		return codec_err_set(err, CODEC_TRAILING, base + r->off,
				     "%zu bytes after the last proposal", bufrd_left(r));
	return 0;
}

/* Minimum body length (after the generic header) per payload type; -1: not allowed
 * in a message chain. */
static int isakmp_min_body(uint8_t type)
{
	switch (type) {
	case ISAKMP_PL_SA:     return 8;    /* DOI + Situation */
	case ISAKMP_PL_P:
	case ISAKMP_PL_T:      return -1;   /* only inside an SA (RFC 2408 §3.5, §3.6) */
	case ISAKMP_PL_ID:     return 4;    /* type, proto, port (RFC 2407 §4.6.2) */
	case ISAKMP_PL_CERT:
	case ISAKMP_PL_CR:     return 1;    /* encoding */
	case ISAKMP_PL_N:      return 8;    /* DOI, proto, SPI size, type */
	case ISAKMP_PL_D:      return 8;    /* DOI, proto, SPI size, #SPIs */
	case ISAKMP_PL_NATOA:
	case ISAKMP_PL_NATOA_DRAFT: return 4;   /* ID type + RESERVED (RFC 3947 §5.2) */
	case ISAKMP_PL_KE: case ISAKMP_PL_HASH: case ISAKMP_PL_SIG: case ISAKMP_PL_NONCE:
	case ISAKMP_PL_VID: case ISAKMP_PL_NATD: case ISAKMP_PL_NATD_DRAFT:
		return 1;   /* a byte string; an empty one carries nothing */
	}
	if (type >= 128)
		return 0;   /* private use (RFC 2408 §3.1): kept opaque */
	return -1;
}

static int isakmp_decode_body(struct isakmp_payload *pl, struct bufrd *r, size_t base,
			      struct isakmp_msg *m, struct codec_err *err)
{
	switch (pl->type) {
	case ISAKMP_PL_SA:
		if (m->nsas >= ISAKMP_MAX_SA)
			return codec_err_set(err, CODEC_TOO_MANY, pl->offset,
					     "more than %d SA payloads", ISAKMP_MAX_SA);
		if (isakmp_decode_sa(r, base, &m->sas[m->nsas], err))
			return -1;
		pl->u.sa_index = m->nsas++;
		return 0;
	case ISAKMP_PL_ID: {
		struct isakmp_id *id = &pl->u.id;
		size_t want = 0;

		bufrd_u8(r, &id->type);
		bufrd_u8(r, &id->proto);
		bufrd_u16(r, &id->port);
		id->data_len = bufrd_left(r);
		bufrd_ptr(r, &id->data, id->data_len);
		/* RFC 2407 §4.6.2.2–4.6.2.9: address identities have fixed sizes */
		switch (id->type) {
		case ISAKMP_ID_IPV4_ADDR: want = 4; break;
		case ISAKMP_ID_IPV4_ADDR_SUBNET: case ISAKMP_ID_IPV4_ADDR_RANGE: want = 8; break;
		case ISAKMP_ID_IPV6_ADDR: want = 16; break;
		case ISAKMP_ID_IPV6_ADDR_SUBNET: case ISAKMP_ID_IPV6_ADDR_RANGE: want = 32; break;
		}
		if (want && id->data_len != want)
			return codec_err_set(err, CODEC_BAD_LENGTH, base + 4,
					     "ID type %u carries %zu bytes, needs %zu",
					     id->type, id->data_len, want);
		return 0;
	}
	case ISAKMP_PL_CERT:
	case ISAKMP_PL_CR:
		bufrd_u8(r, &pl->u.cert.encoding);
		return 0;
	case ISAKMP_PL_N: {
		struct isakmp_notify_pl *n = &pl->u.n;

		bufrd_u32(r, &n->doi);
		bufrd_u8(r, &n->proto);
		bufrd_u8(r, &n->spi_size);
		bufrd_u16(r, &n->type);
		/* RFC 2408 §3.14: the SPI (SPI Size octets) must fit in the payload */
		if (n->spi_size > bufrd_left(r))
			return codec_err_set(err, CODEC_BAD_LENGTH, base + 5,
					     "notify SPI size %u exceeds the %zu bytes left",
					     n->spi_size, bufrd_left(r));
		bufrd_ptr(r, &n->spi, n->spi_size);
		n->data_len = bufrd_left(r);
		bufrd_ptr(r, &n->data, n->data_len);
		return 0;
	}
	case ISAKMP_PL_D: {
		struct isakmp_delete_pl *d = &pl->u.d;

		bufrd_u32(r, &d->doi);
		bufrd_u8(r, &d->proto);
		bufrd_u8(r, &d->spi_size);
		bufrd_u16(r, &d->nspis);
		if (d->nspis > ISAKMP_MAX_SPIS)
			return codec_err_set(err, CODEC_TOO_MANY, base + 6,
					     "delete carries %u SPIs, at most %d kept",
					     d->nspis, ISAKMP_MAX_SPIS);
		/* RFC 2408 §3.15: #SPIs × SPI Size octets of SPIs, nothing else */
		if ((size_t)d->nspis * d->spi_size != bufrd_left(r))
			return codec_err_set(err, CODEC_BAD_LENGTH, base + 6,
					     "delete %u SPIs of %u bytes in %zu bytes",
					     d->nspis, d->spi_size, bufrd_left(r));
		bufrd_ptr(r, &d->spis, bufrd_left(r));
		return 0;
	}
	case ISAKMP_PL_NATOA:
	case ISAKMP_PL_NATOA_DRAFT: {
		uint8_t res1 = 0;
		uint16_t res2 = 0;
		size_t want;

		bufrd_u8(r, &pl->u.natoa.type);
		bufrd_u8(r, &res1);
		bufrd_u16(r, &res2);
		/* RFC 3947 §5.2: "The two reserved fields after the ID Type must be zero" */
		if (res1 != 0 || res2 != 0)
			return codec_err_set(err, CODEC_BAD_RESERVED, base + 1,
					     "NAT-OA RESERVED not zero");
		/* "Only ID_IPV4_ADDR and ID_IPV6_ADDR types are allowed" */
		if (pl->u.natoa.type == ISAKMP_ID_IPV4_ADDR)
			want = 4;
		else if (pl->u.natoa.type == ISAKMP_ID_IPV6_ADDR)
			want = 16;
		else
			return codec_err_set(err, CODEC_BAD_VALUE, base,
					     "NAT-OA ID type %u, only 1 or 5 allowed", pl->u.natoa.type);
		if (bufrd_left(r) != want)
			return codec_err_set(err, CODEC_BAD_LENGTH, base + 4,
					     "NAT-OA address of %zu bytes, needs %zu", bufrd_left(r), want);
		pl->u.natoa.addr_len = want;
		bufrd_ptr(r, &pl->u.natoa.addr, want);
		return 0;
	}
	default:
		/* KE, HASH, SIG, NONCE, VID, NAT-D, private: body/body_len only. RFC 2409
		 * §5: a nonce of 8–256 bytes is policy, not syntax, and is not checked here. */
		return 0;
	}
}

/* Walk a payload chain over r (byte 0 at `base` in the caller's input). */
static int isakmp_walk(uint8_t first, struct bufrd *r, size_t base, int allow_padding,
		       struct isakmp_msg *m, struct codec_err *err)
{
	uint8_t np = first;

	while (np != ISAKMP_PL_NONE) {
		struct isakmp_payload *pl;
		struct isakmp_gen g;
		struct bufrd body;
		size_t at = base + r->off;
		int min = isakmp_min_body(np);

		if (min < 0) {
			/* RFC 2408 §3.1: 14–127 reserved; P/T only inside an SA */
			return codec_err_set(err, CODEC_BAD_TYPE, at,
					     "payload %u (%s) not allowed here", m->npayloads + 1u,
					     isakmp_pl_name(np));
		}
		if (m->npayloads >= ISAKMP_MAX_PAYLOADS)
			return codec_err_set(err, CODEC_TOO_MANY, at,
					     "more than %d payloads", ISAKMP_MAX_PAYLOADS);
		if (isakmp_read_gen(r, base, isakmp_pl_name(np), ISAKMP_GEN_HDR_LEN + (size_t)min,
				    &g, &body, err)) {
			if (err) {   /* prefix the payload number for the drop log */
				char inner[sizeof(err->text)];

				memcpy(inner, err->text, sizeof(inner));
				codec_err_set(err, err->reason, err->offset, "payload %u (%s): %.90s",
					      m->npayloads + 1u, isakmp_pl_name(np), inner);
			}
			return -1;
		}
		pl = &m->pl[m->npayloads];
		memset(pl, 0, sizeof(*pl));
		pl->type = np;
		pl->length = g.length;
		pl->offset = at;
		pl->body = body.p;
		pl->body_len = body.len;
		if (isakmp_decode_body(pl, &body, at + ISAKMP_GEN_HDR_LEN, m, err))
			return -1;
		if (body.err)   /* a fixed field did not fit despite the minimum: a bug guard */
			return codec_err_set(err, CODEC_TRUNCATED, at, "payload %u (%s) truncated",
					     m->npayloads + 1u, isakmp_pl_name(np));
		m->npayloads++;
		np = g.np;
	}
	if (bufrd_left(r) != 0) {
		/* RFC 2409 App. B: encrypted messages are padded after the last payload */
		if (!allow_padding)
			return codec_err_set(err, CODEC_TRAILING, base + r->off,
					     "%zu bytes after the last payload", bufrd_left(r));
		m->padding = bufrd_left(r);
	}
	return 0;
}

int isakmp_decode_payloads(uint8_t first, const uint8_t *buf, size_t len, int allow_padding,
			   struct isakmp_msg *m, struct codec_err *err)
{
	struct bufrd r;

	bufrd_init(&r, buf, len);
	m->padding = 0;
	return isakmp_walk(first, &r, 0, allow_padding, m, err);
}

int isakmp_decode(const uint8_t *buf, size_t len, struct isakmp_msg *m, struct codec_err *err)
{
	struct isakmp_hdr *h = &m->hdr;
	struct bufrd r;
	uint8_t ver = 0;

	m->encrypted = 0;
	m->body = NULL;
	m->body_len = 0;
	m->npayloads = 0;
	m->nsas = 0;
	m->padding = 0;
	memset(h, 0, sizeof(*h));

	bufrd_init(&r, buf, len);
	if (len < ISAKMP_HDR_LEN)
		return codec_err_set(err, CODEC_TRUNCATED, 0,
				     "ISAKMP header needs %d bytes, have %zu", ISAKMP_HDR_LEN, len);
	bufrd_copy(&r, h->icookie, 8);
	bufrd_copy(&r, h->rcookie, 8);
	bufrd_u8(&r, &h->next_payload);
	bufrd_u8(&r, &ver);
	bufrd_u8(&r, &h->exchange);
	bufrd_u8(&r, &h->flags);
	bufrd_u32(&r, &h->msgid);
	bufrd_u32(&r, &h->length);
	h->maj_ver = ver >> 4;
	h->min_ver = ver & 0x0F;

	/* RFC 2408 §3.1: MjVer "MUST be set to 1"; §5.1 INVALID-MAJOR-VERSION otherwise */
	if (h->maj_ver != 1)
		return codec_err_set(err, CODEC_BAD_VERSION, 17,
				     "major version %u, must be 1", h->maj_ver);
	/* RFC 2408 §3.1: "unused bits MUST be set to 0 prior to transmission" */
	if (h->flags & ~ISAKMP_FLAGS_KNOWN)
		return codec_err_set(err, CODEC_BAD_RESERVED, 19,
				     "flags 0x%02x have unknown bits set", h->flags);
	/* RFC 2408 §5.1: the header Length must match the message received */
	if (h->length != len)
		return codec_err_set(err, CODEC_BAD_LENGTH, 24,
				     "header length %u, message has %zu bytes", h->length, len);

	m->body = buf + ISAKMP_HDR_LEN;
	m->body_len = len - ISAKMP_HDR_LEN;
	if (h->flags & ISAKMP_FLAG_E) {
		/* RFC 2408 §3.1: everything after the header is encrypted */
		m->encrypted = 1;
		return 0;
	}
	return isakmp_walk(h->next_payload, &r, 0, 0, m, err);
}

const struct isakmp_payload *isakmp_find(const struct isakmp_msg *m, uint8_t type)
{
	uint8_t i;

	for (i = 0; i < m->npayloads && i < ISAKMP_MAX_PAYLOADS; i++)
		if (m->pl[i].type == type)
			return &m->pl[i];
	return NULL;
}

/* --- encoding ---------------------------------------------------------------- */

static void isakmp_put(struct isakmp_builder *b, const void *p, size_t n)
{
	if (b->err || n > b->cap - b->len) {
		b->err = 1;
		return;
	}
	if (n)
		memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static void isakmp_put8(struct isakmp_builder *b, uint8_t v) { isakmp_put(b, &v, 1); }

static void isakmp_put16(struct isakmp_builder *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	isakmp_put(b, x, 2);
}

static void isakmp_put32(struct isakmp_builder *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	isakmp_put(b, x, 4);
}

static void isakmp_patch16(struct isakmp_builder *b, size_t off, size_t v)
{
	if (b->err)
		return;
	if (v > 0xFFFF) {
		b->err = 1;
		return;
	}
	b->buf[off] = (uint8_t)(v >> 8);
	b->buf[off + 1] = (uint8_t)v;
}

void isakmp_build_init(struct isakmp_builder *b, uint8_t *buf, size_t cap, const struct isakmp_hdr *h)
{
	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->err = 0;
	b->last_np_off = 16;
	isakmp_put(b, h->icookie, 8);
	isakmp_put(b, h->rcookie, 8);
	isakmp_put8(b, ISAKMP_PL_NONE);   /* patched by the first payload */
	isakmp_put8(b, (uint8_t)(h->maj_ver << 4 | (h->min_ver & 0x0F)));
	isakmp_put8(b, h->exchange);
	isakmp_put8(b, h->flags);
	isakmp_put32(b, h->msgid);
	isakmp_put32(b, 0);               /* Length, patched by isakmp_build_finish */
}

size_t isakmp_build_begin(struct isakmp_builder *b, uint8_t type)
{
	size_t start = b->len;

	if (b->err || b->cap - b->len < ISAKMP_GEN_HDR_LEN) {
		b->err = 1;
		return start;
	}
	b->buf[b->last_np_off] = type;
	b->last_np_off = start;
	isakmp_put8(b, ISAKMP_PL_NONE);
	isakmp_put8(b, 0);
	isakmp_put16(b, 0);
	return start;
}

int isakmp_build_bytes(struct isakmp_builder *b, const void *p, size_t n)
{
	isakmp_put(b, p, n);
	return b->err ? -1 : 0;
}

int isakmp_build_end(struct isakmp_builder *b, size_t start)
{
	isakmp_patch16(b, start + 2, b->len - start);
	return b->err ? -1 : 0;
}

int isakmp_build_payload(struct isakmp_builder *b, uint8_t type, const void *body, size_t body_len)
{
	size_t start = isakmp_build_begin(b, type);

	isakmp_put(b, body, body_len);
	return isakmp_build_end(b, start);
}

int isakmp_build_notify(struct isakmp_builder *b, uint32_t doi, uint8_t proto, uint16_t type,
			const uint8_t *spi, uint8_t spi_size, const void *data, size_t data_len)
{
	size_t start = isakmp_build_begin(b, ISAKMP_PL_N);

	/* RFC 2408 §3.14 */
	isakmp_put32(b, doi);
	isakmp_put8(b, proto);
	isakmp_put8(b, spi_size);
	isakmp_put16(b, type);
	isakmp_put(b, spi, spi_size);
	isakmp_put(b, data, data_len);
	return isakmp_build_end(b, start);
}

int isakmp_build_delete(struct isakmp_builder *b, uint32_t doi, uint8_t proto, uint8_t spi_size,
			const uint8_t *spis, uint16_t nspis)
{
	size_t start = isakmp_build_begin(b, ISAKMP_PL_D);

	/* RFC 2408 §3.15 */
	isakmp_put32(b, doi);
	isakmp_put8(b, proto);
	isakmp_put8(b, spi_size);
	isakmp_put16(b, nspis);
	isakmp_put(b, spis, (size_t)spi_size * nspis);
	return isakmp_build_end(b, start);
}

static void isakmp_build_attr(struct isakmp_builder *b, const struct isakmp_attr *a)
{
	if (a->basic) {
		/* RFC 2408 §3.3: AF=1, the value sits in the length field */
		if (a->value > 0xFFFF) {
			b->err = 1;
			return;
		}
		isakmp_put16(b, (uint16_t)(0x8000 | (a->type & 0x7FFF)));
		isakmp_put16(b, (uint16_t)a->value);
	} else if (a->data != NULL) {
		isakmp_put16(b, a->type & 0x7FFF);
		isakmp_put16(b, a->data_len);
		isakmp_put(b, a->data, a->data_len);
	} else {
		/* a number as data_len big-endian bytes (1..8) */
		uint8_t v[8];
		uint16_t i, n = a->data_len;

		if (n == 0 || n > 8) {
			b->err = 1;
			return;
		}
		for (i = 0; i < n; i++)
			v[i] = (uint8_t)(a->value >> (8 * (n - 1 - i)));
		isakmp_put16(b, a->type & 0x7FFF);
		isakmp_put16(b, n);
		isakmp_put(b, v, n);
	}
}

int isakmp_build_sa(struct isakmp_builder *b, const struct isakmp_sa *sa)
{
	size_t sa_start = isakmp_build_begin(b, ISAKMP_PL_SA);
	uint8_t pi, ti, ai;

	if (sa->nproposals == 0 || sa->nproposals > ISAKMP_MAX_PROPOSALS)
		b->err = 1;
	isakmp_put32(b, sa->doi);
	isakmp_put32(b, sa->situation);
	for (pi = 0; pi < sa->nproposals && !b->err; pi++) {
		const struct isakmp_proposal *p = &sa->proposals[pi];
		size_t p_start = b->len;

		if (p->ntransforms == 0 || p->ntransforms > ISAKMP_MAX_TRANSFORMS)
			b->err = 1;
		/* RFC 2408 §3.5: Next Payload 2 for more proposals, 0 for the last */
		isakmp_put8(b, pi + 1 < sa->nproposals ? ISAKMP_PL_P : ISAKMP_PL_NONE);
		isakmp_put8(b, 0);
		isakmp_put16(b, 0);
		isakmp_put8(b, p->number);
		isakmp_put8(b, p->protocol);
		isakmp_put8(b, p->spi_size);
		isakmp_put8(b, p->ntransforms);
		if (p->spi_size)
			isakmp_put(b, p->spi, p->spi_size);
		for (ti = 0; ti < p->ntransforms && !b->err; ti++) {
			const struct isakmp_transform *t = &p->transforms[ti];
			size_t t_start = b->len;

			if (t->nattrs > ISAKMP_MAX_ATTRS)
				b->err = 1;
			/* RFC 2408 §3.6: Next Payload 3 for more transforms, 0 for the last */
			isakmp_put8(b, ti + 1 < p->ntransforms ? ISAKMP_PL_T : ISAKMP_PL_NONE);
			isakmp_put8(b, 0);
			isakmp_put16(b, 0);
			isakmp_put8(b, t->number);
			isakmp_put8(b, t->id);
			isakmp_put16(b, 0);
			for (ai = 0; ai < t->nattrs && !b->err; ai++)
				isakmp_build_attr(b, &t->attrs[ai]);
			isakmp_patch16(b, t_start + 2, b->len - t_start);
		}
		isakmp_patch16(b, p_start + 2, b->len - p_start);
	}
	return isakmp_build_end(b, sa_start);
}

int isakmp_build_finish(struct isakmp_builder *b)
{
	if (b->err || b->len < ISAKMP_HDR_LEN || b->len > 0x7FFFFFFF)
		return -1;
	b->buf[24] = (uint8_t)(b->len >> 24);
	b->buf[25] = (uint8_t)(b->len >> 16);
	b->buf[26] = (uint8_t)(b->len >> 8);
	b->buf[27] = (uint8_t)b->len;
	return (int)b->len;
}
