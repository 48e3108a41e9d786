/* nlsock.h — netlink plumbing shared by refgw's kern/ and netns-lab (library ihh_nl).
 *
 * Owns: one libmnl socket with a sequence counter; request + ack with the kernel's
 * extended-ack text in the error; dumps; the rtnetlink requests both users make (link
 * up/down and state, IPv4 addresses, IPv4 routes); nftables batches (begin … end, one
 * transaction the kernel applies atomically) and the nftnl expression builders the
 * rules of both users are made of. Also the /proc/sys writer both need.
 *
 * A netlink socket belongs to the network namespace of the thread that opened it;
 * every request on it acts there. nlsock_open opens in the calling thread's namespace
 * (netns-lab wraps it to open inside a lab namespace).
 *
 * Every int function returns 0 on success, -1 with a message in err (err may be NULL)
 * and errno set to the kernel's error (callers test EEXIST, ENOENT, ESRCH).
 */
#ifndef IHH_NLSOCK_H
#define IHH_NLSOCK_H

#include <libmnl/libmnl.h>
#include <stddef.h>
#include <stdint.h>

#ifndef MNL_SOCKET_DUMP_SIZE
#define MNL_SOCKET_DUMP_SIZE 32768
#endif

struct nftnl_rule;

struct nlsock {
	struct mnl_socket *sk;
	unsigned portid;
	unsigned seq;
};

/* printf into err (if err && errlen); returns -1 so callers can `return nlsock_errf(…)`. */
int nlsock_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Open a socket of `bus` (NETLINK_ROUTE, NETLINK_NETFILTER) in the calling thread's namespace. */
int nlsock_open(struct nlsock *nl, int bus, char *err, size_t errlen);
void nlsock_close(struct nlsock *nl);

/* A request header in buf (MNL_SOCKET_BUFFER_SIZE bytes): NLM_F_REQUEST | flags. */
struct nlmsghdr *nlsock_req(char *buf, uint16_t type, uint16_t flags);
/* Send one request with NLM_F_ACK and wait for its ack; `what` prefixes errors. */
int nlsock_talk(struct nlsock *nl, struct nlmsghdr *nlh, const char *what, char *err, size_t errlen);
/* The same, running cb on the answers that come before the ack (a GET of one object). */
int nlsock_talk_cb(struct nlsock *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data, const char *what,
		   char *err, size_t errlen);
/* Send a dump request (NLM_F_DUMP is added) and run cb on every answer. */
int nlsock_dump(struct nlsock *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data, char *err, size_t errlen);

/* --- rtnetlink ------------------------------------------------------------------ */

struct nlsock_link {
	int index;
	char name[16];
	int admin_up;      /* IFF_UP */
	int carrier;       /* IFF_LOWER_UP */
	unsigned mtu;
	uint8_t mac[6];
	int has_mac;
};

int nlsock_link_set_up(struct nlsock *nl, int ifindex, int up, char *err, size_t errlen);
/* One link by index (ifindex > 0) or by name. */
int nlsock_link_get(struct nlsock *nl, int ifindex, const char *name, struct nlsock_link *out, char *err,
		    size_t errlen);
int nlsock_link_set_mtu(struct nlsock *nl, int ifindex, unsigned mtu, char *err, size_t errlen);

/* type RTM_NEWADDR (create, exclusive) or RTM_DELADDR; addr host order. */
int nlsock_addr(struct nlsock *nl, uint16_t type, int ifindex, uint32_t addr, uint8_t plen, char *err,
		size_t errlen);

struct nlsock_route {
	uint32_t dst;      /* host order */
	uint8_t plen;
	uint32_t via;      /* host order, 0: a device route (scope link) */
	int oif;           /* ifindex, 0 none */
	uint32_t table;    /* 0: main */
	uint32_t metric;   /* RTA_PRIORITY, 0 none */
	uint8_t protocol;  /* adding: 0 means RTPROT_STATIC; deleting: 0 matches any */
	uint32_t realm;    /* RTA_FLOW, 0 none */
};

/* type RTM_NEWROUTE with flags (NLM_F_CREATE | NLM_F_EXCL, or NLM_F_CREATE | NLM_F_REPLACE)
 * or RTM_DELROUTE (flags 0). */
int nlsock_route(struct nlsock *nl, uint16_t type, uint16_t flags, const struct nlsock_route *r, char *err,
		 size_t errlen);

/* --- nftables batches ---------------------------------------------------------- */

struct nlsock_batch {
	char *buf;
	struct mnl_nlmsg_batch *b;
	uint32_t seq;
	int nmsgs;
};

int nlsock_batch_start(struct nlsock_batch *bt);
/* The next message's header (NLM_F_ACK added); build its payload, then nlsock_batch_next. */
struct nlmsghdr *nlsock_batch_msg(struct nlsock_batch *bt, uint16_t type, uint16_t family, uint16_t flags);
void nlsock_batch_next(struct nlsock_batch *bt);
/* Close the batch, send it, wait for every ack; data_cb (may be NULL) sees echoed objects. */
int nlsock_batch_send(struct nlsock *nl, struct nlsock_batch *bt, mnl_cb_t data_cb, void *data, const char *what,
		      char *err, size_t errlen);
void nlsock_batch_free(struct nlsock_batch *bt);

/* Expression builders; each loads into or compares register 1 (NFT_REG_1). */
void nlsock_nft_meta(struct nftnl_rule *r, uint32_t key);                    /* meta KEY → reg */
void nlsock_nft_meta_set(struct nftnl_rule *r, uint32_t key, uint32_t value); /* meta KEY set VALUE */
void nlsock_nft_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len);
void nlsock_nft_cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len);
/* reg = reg & mask (len bytes) */
void nlsock_nft_mask(struct nftnl_rule *r, const void *mask, uint32_t len);
void nlsock_nft_counter(struct nftnl_rule *r);
void nlsock_nft_verdict(struct nftnl_rule *r, int verdict);

/* --- sysctl -------------------------------------------------------------------- */

/* Write /proc/sys/PATH in the calling thread's namespace (/proc/sys/net resolves
 * against the namespace of the thread that walks the path). */
int nlsock_sysctl(const char *path, const char *val, char *err, size_t errlen);

#endif
