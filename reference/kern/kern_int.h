/* kern_int.h — shared between the files of ihh_kern (not part of its contract). */
#ifndef IHH_KERN_INT_H
#define IHH_KERN_INT_H

#include "kern.h"
#include "nlsock.h"

/* A NETLINK_ROUTE socket in the calling thread's namespace. */
int kern_rt_open(struct nlsock *nl, char *err, size_t errlen);
/* ifindex of a link, or -1 with "no interface NAME" in err (errno ENODEV). */
int kern_ifindex(const char *ifname, char *err, size_t errlen);
/* "10.1.1.0" into a 16-byte buffer; returns buf. */
char *kern_ip_str(uint32_t a, char *buf);

/* kern_io.c: fd is (on = 1) or no longer is (0) a TUN opened with IFF_VNET_HDR, whose
 * packets kern_tun_read/kern_tun_write/kern_tun_write_batch frame with a virtio-net
 * header. Set by the Linux tun_open. */
void kern_tun_vnet_mark(int fd, int on);

/* kern_steer.c */
int kern_linux_steer_set(void *k, const char *tun_ifname, uint32_t fwmark, uint32_t table,
			 const struct kern_steer *s, unsigned n, char *err, size_t errlen);
int kern_linux_steer_clear(void *k, char *err, size_t errlen);

#endif
