/* hsrp.c — HSRP v1 (RFC 2281 §5.1, 20 octets) and v2 (Group State TLV 1 / Interface
 * State TLV 2 / Text Auth TLV 3 / MD5 Auth TLV 4 as dissected by Wireshark's
 * packet-hsrp.c) decode and encode, with wire state values converted to enum hsrp_state.
 */
#include <stdio.h>
#include <string.h>
#include "bufrd.h"
#include "hsrp.h"

#define HSRP_V1_LEN        20
#define HSRP_V1_ADV_LEN    16   /* op 3: version, op, TLV hdr (4), state … (packet-hsrp.c) */
#define HSRP_TLV_GROUP     1
#define HSRP_TLV_IFSTATE   2
#define HSRP_TLV_TEXT_AUTH 3
#define HSRP_TLV_MD5_AUTH  4
#define HSRP_TLV_GROUP_LEN 40
#define HSRP_TLV_TEXT_LEN  8
#define HSRP_TLV_MD5_LEN   28

/* RFC 2281 §5.1 wire values, indexed by enum hsrp_state */
static const uint8_t hsrp_v1_wire[] = { 0, 1, 2, 4, 8, 16 };

static const char *const hsrp_state_names[] = {
	"Initial", "Learn", "Listen", "Speak", "Standby", "Active",
};

const char *hsrp_state_name(enum hsrp_state s)
{
	if ((unsigned)s < sizeof(hsrp_state_names) / sizeof(hsrp_state_names[0]))
		return hsrp_state_names[s];
	return "Unknown";
}

const char *hsrp_op_name(uint8_t op)
{
	static _Thread_local char buf[12];

	switch (op) {
	case HSRP_OP_HELLO:     return "Hello";
	case HSRP_OP_COUP:      return "Coup";
	case HSRP_OP_RESIGN:    return "Resign";
	case HSRP_OP_ADVERTISE: return "Advertise";
	}
	snprintf(buf, sizeof(buf), "op %u", op);
	return buf;
}

static void hsrp_copy_auth(struct hsrp_pkt *h, const uint8_t *a)
{
	size_t i;

	/* text password, NUL-padded to 8 octets (RFC 2281 §5.1) */
	for (i = 0; i < 8 && a[i] != 0; i++)
		h->auth[i] = (char)a[i];
	h->auth[i] = '\0';
}

static int hsrp_decode_v1(struct bufrd *r, struct hsrp_pkt *h, struct codec_err *err)
{
	uint8_t ver = 0, state = 0, hello = 0, hold = 0, prio = 0, group = 0, reserved = 0, i;
	const uint8_t *auth;

	bufrd_u8(r, &ver);
	bufrd_u8(r, &h->op);
	h->version = 1;
	h->ipver = 4;
	if (h->op == HSRP_OP_ADVERTISE) {
		/* interface-state advertisement: only version and op are decoded */
		if (r->len < HSRP_V1_ADV_LEN)
			return codec_err_set(err, CODEC_TRUNCATED, 0,
					     "HSRP Advertise needs %d bytes, have %zu", HSRP_V1_ADV_LEN, r->len);
		return 0;
	}
	/* RFC 2281 §5.1: Op Code 0 Hello, 1 Coup, 2 Resign */
	if (h->op > HSRP_OP_RESIGN)
		return codec_err_set(err, CODEC_BAD_TYPE, 1, "HSRP op code %u", h->op);
	if (r->len < HSRP_V1_LEN)
		return codec_err_set(err, CODEC_TRUNCATED, r->len,
				     "HSRP v1 message needs %d bytes, have %zu", HSRP_V1_LEN, r->len);
	if (r->len > HSRP_V1_LEN)
		return codec_err_set(err, CODEC_TRAILING, HSRP_V1_LEN,
				     "%zu bytes after the HSRP v1 message", r->len - HSRP_V1_LEN);
	bufrd_u8(r, &state);
	bufrd_u8(r, &hello);
	bufrd_u8(r, &hold);
	bufrd_u8(r, &prio);
	bufrd_u8(r, &group);
	bufrd_u8(r, &reserved);
	bufrd_ptr(r, &auth, 8);
	bufrd_u32(r, &h->vip);
	for (i = 0; i < sizeof(hsrp_v1_wire); i++)
		if (hsrp_v1_wire[i] == state)
			break;
	/* RFC 2281 §5.1: State is one of 0, 1, 2, 4, 8, 16 */
	if (i == sizeof(hsrp_v1_wire))
		return codec_err_set(err, CODEC_BAD_VALUE, 2, "HSRP v1 state %u", state);
	h->state = (enum hsrp_state)i;
	h->hello_ms = hello * 1000u;
	h->hold_ms = hold * 1000u;
	h->priority = prio;
	h->group = group;
	hsrp_copy_auth(h, auth);
	h->vip6[0] = (uint8_t)(h->vip >> 24);
	h->vip6[1] = (uint8_t)(h->vip >> 16);
	h->vip6[2] = (uint8_t)(h->vip >> 8);
	h->vip6[3] = (uint8_t)h->vip;
	return 0;
}

static int hsrp_decode_group_tlv(struct bufrd *t, size_t base, struct hsrp_pkt *h,
				 struct codec_err *err)
{
	uint8_t ver = 0, state = 0;

	bufrd_u8(t, &ver);
	bufrd_u8(t, &h->op);
	bufrd_u8(t, &state);
	bufrd_u8(t, &h->ipver);
	bufrd_u16(t, &h->group);
	bufrd_copy(t, h->identifier, 6);
	bufrd_u32(t, &h->priority);
	bufrd_u32(t, &h->hello_ms);
	bufrd_u32(t, &h->hold_ms);
	bufrd_copy(t, h->vip6, 16);
	if (ver != 2)
		return codec_err_set(err, CODEC_BAD_VERSION, base, "HSRP v2 TLV version %u", ver);
	if (h->op > HSRP_OP_RESIGN)
		return codec_err_set(err, CODEC_BAD_TYPE, base + 1, "HSRP v2 op code %u", h->op);
	/* packet-hsrp.c: v2 states 1 Init … 6 Active */
	if (state < 1 || state > 6)
		return codec_err_set(err, CODEC_BAD_VALUE, base + 2, "HSRP v2 state %u", state);
	h->state = (enum hsrp_state)(state - 1);
	if (h->ipver != 4 && h->ipver != 6)
		return codec_err_set(err, CODEC_BAD_VALUE, base + 3, "HSRP v2 IP version %u", h->ipver);
	if (h->ipver == 4)
		h->vip = (uint32_t)h->vip6[0] << 24 | (uint32_t)h->vip6[1] << 16 |
			 (uint32_t)h->vip6[2] << 8 | h->vip6[3];
	return 0;
}

static int hsrp_decode_v2(struct bufrd *r, struct hsrp_pkt *h, struct codec_err *err)
{
	int have_group = 0, have_ifstate = 0;

	h->version = 2;
	while (bufrd_left(r) > 0) {
		size_t at = r->off;
		uint8_t type = 0, len = 0;
		struct bufrd t;

		if (bufrd_left(r) < 2)
			return codec_err_set(err, CODEC_TRUNCATED, at, "HSRP v2 TLV header needs 2 bytes");
		bufrd_u8(r, &type);
		bufrd_u8(r, &len);
		if (len > bufrd_left(r))
			return codec_err_set(err, CODEC_BAD_LENGTH, at + 1,
					     "HSRP v2 TLV %u length %u exceeds the %zu bytes left",
					     type, len, bufrd_left(r));
		bufrd_sub(r, &t, len);
		switch (type) {
		case HSRP_TLV_GROUP:
			if (len != HSRP_TLV_GROUP_LEN)
				return codec_err_set(err, CODEC_BAD_LENGTH, at + 1,
						     "Group State TLV length %u, must be 40", len);
			if (have_group)
				return codec_err_set(err, CODEC_BAD_VALUE, at, "second Group State TLV");
			have_group = 1;
			if (hsrp_decode_group_tlv(&t, at + 2, h, err))
				return -1;
			break;
		case HSRP_TLV_IFSTATE:
			have_ifstate = 1;
			break;
		case HSRP_TLV_TEXT_AUTH:
			if (len != HSRP_TLV_TEXT_LEN)
				return codec_err_set(err, CODEC_BAD_LENGTH, at + 1,
						     "Text Auth TLV length %u, must be 8", len);
			hsrp_copy_auth(h, t.p);
			break;
		case HSRP_TLV_MD5_AUTH:
			if (len != HSRP_TLV_MD5_LEN)
				return codec_err_set(err, CODEC_BAD_LENGTH, at + 1,
						     "MD5 Auth TLV length %u, must be 28", len);
			h->has_md5 = 1;
			break;
		default:
			break;   /* unknown TLVs are skipped, as packet-hsrp.c does */
		}
	}
	if (!have_group) {
		if (have_ifstate) {
			h->op = HSRP_OP_ADVERTISE;
			return 0;
		}
		return codec_err_set(err, CODEC_BAD_VALUE, 0, "HSRP v2 without a Group State TLV");
	}
	return 0;
}

int hsrp_decode(const uint8_t *buf, size_t len, struct hsrp_pkt *h, struct codec_err *err)
{
	struct bufrd r;

	memset(h, 0, sizeof(*h));
	bufrd_init(&r, buf, len);
	if (len < 2)
		return codec_err_set(err, CODEC_TRUNCATED, 0, "HSRP needs at least 2 bytes, have %zu", len);
	/* v1 starts with Version 0 (RFC 2281 §5.1); v2 with the Group State TLV type 1 */
	if (buf[0] == 0)
		return hsrp_decode_v1(&r, h, err);
	if (buf[0] == HSRP_TLV_GROUP || buf[0] == HSRP_TLV_IFSTATE)
		return hsrp_decode_v2(&r, h, err);
	return codec_err_set(err, CODEC_BAD_VERSION, 0, "HSRP first byte %u is neither v1 nor a v2 TLV",
			     buf[0]);
}

int hsrp_encode(const struct hsrp_pkt *h, uint8_t *buf, size_t cap)
{
	size_t off = 0;

	if ((unsigned)h->state > HSRP_ACTIVE || h->has_md5)
		return -1;
	if (h->version == 1) {
		if (cap < HSRP_V1_LEN || h->op > HSRP_OP_RESIGN || h->priority > 255 ||
		    h->group > 255 || h->hello_ms / 1000 > 255 || h->hold_ms / 1000 > 255)
			return -1;
		buf[0] = 0;                       /* RFC 2281 §5.1: version 0 */
		buf[1] = h->op;
		buf[2] = hsrp_v1_wire[h->state];
		buf[3] = (uint8_t)(h->hello_ms / 1000);
		buf[4] = (uint8_t)(h->hold_ms / 1000);
		buf[5] = (uint8_t)h->priority;
		buf[6] = (uint8_t)h->group;
		buf[7] = 0;
		memset(buf + 8, 0, 8);
		memcpy(buf + 8, h->auth, strnlen(h->auth, 8));
		buf[16] = (uint8_t)(h->vip >> 24);
		buf[17] = (uint8_t)(h->vip >> 16);
		buf[18] = (uint8_t)(h->vip >> 8);
		buf[19] = (uint8_t)h->vip;
		return HSRP_V1_LEN;
	}
	if (h->version != 2 || h->op > HSRP_OP_RESIGN)
		return -1;
	if (cap < 2u + HSRP_TLV_GROUP_LEN + (h->auth[0] ? 2u + HSRP_TLV_TEXT_LEN : 0))
		return -1;
	buf[off++] = HSRP_TLV_GROUP;
	buf[off++] = HSRP_TLV_GROUP_LEN;
	buf[off++] = 2;
	buf[off++] = h->op;
	buf[off++] = (uint8_t)(h->state + 1);   /* v2 wire states 1..6 */
	buf[off++] = h->ipver == 6 ? 6 : 4;
	buf[off++] = (uint8_t)(h->group >> 8);
	buf[off++] = (uint8_t)h->group;
	memcpy(buf + off, h->identifier, 6);
	off += 6;
	for (int i = 0; i < 3; i++) {
		uint32_t v = i == 0 ? h->priority : i == 1 ? h->hello_ms : h->hold_ms;

		buf[off++] = (uint8_t)(v >> 24);
		buf[off++] = (uint8_t)(v >> 16);
		buf[off++] = (uint8_t)(v >> 8);
		buf[off++] = (uint8_t)v;
	}
	if (h->ipver == 6) {
		memcpy(buf + off, h->vip6, 16);
	} else {
		memset(buf + off, 0, 16);
		buf[off] = (uint8_t)(h->vip >> 24);
		buf[off + 1] = (uint8_t)(h->vip >> 16);
		buf[off + 2] = (uint8_t)(h->vip >> 8);
		buf[off + 3] = (uint8_t)h->vip;
	}
	off += 16;
	if (h->auth[0]) {
		buf[off++] = HSRP_TLV_TEXT_AUTH;
		buf[off++] = HSRP_TLV_TEXT_LEN;
		memset(buf + off, 0, HSRP_TLV_TEXT_LEN);
		memcpy(buf + off, h->auth, strnlen(h->auth, HSRP_TLV_TEXT_LEN));
		off += HSRP_TLV_TEXT_LEN;
	}
	return (int)off;
}
