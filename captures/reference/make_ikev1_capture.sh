#!/bin/sh
# make_ikev1_capture.sh — record a reference IKEv1 capture between two strongSwan 5.9.8
# charons (kernel-libipsec) in network namespaces, plus the Wireshark IKEv1 key table.
#
#   usage: make_ikev1_capture.sh NAME IKE_PROPOSAL ESP_PROPOSAL
#   e.g.   make_ikev1_capture.sh ikev1-mm-psk-aes128-sha1 aes128-sha1-modp2048 aes128-sha1
#
# Topology (namespaces ihhdev-an-a / ihhdev-an-b, nothing in the root namespace):
#   a: va 192.168.77.1/24 (02:69:68:01:01:00), lo0 (ifb) 10.1.0.1/32
#   b: vb 192.168.77.2/24 (02:69:68:02:01:00), lo0 (ifb) 10.2.0.1/32
# Timeline: a initiates Main Mode + Quick Mode (PSK, dpd_delay 2s), 3 pings between the
# loopbacks, 7 s idle (DPD R-U-THERE/ACK from both sides), `swanctl --terminate` on a
# (Delete ESP + Delete ISAKMP). tshark captures va to a pcapng. The IKE encryption key
# comes from a's charon filelog (ike = 4: "encryption key Ka" hexdump).
set -eu
NAME=$1; IKEP=$2; ESPP=$3
OUT=$(cd "$(dirname "$0")" && pwd)/$NAME
W=/tmp/ihhdev-an-work/$NAME
NA=ihhdev-an-a; NB=ihhdev-an-b
PIDS=""

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	sleep 0.5
	for p in $PIDS; do kill -9 "$p" 2>/dev/null || true; done
	ip netns del $NA 2>/dev/null || true
	ip netns del $NB 2>/dev/null || true
}
trap cleanup EXIT INT TERM

rm -rf "$W"; mkdir -p "$W" "$OUT"
ip netns add $NA; ip netns add $NB
for ns in $NA $NB; do # no IPv6 chatter in the capture
	ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ip link add va netns $NA address 02:69:68:01:01:00 type veth peer name vb netns $NB address 02:69:68:02:01:00
for ns in $NA $NB; do ip -n $ns link set lo up; done
ip -n $NA addr add 192.168.77.1/24 dev va; ip -n $NA link set va up
ip -n $NB addr add 192.168.77.2/24 dev vb; ip -n $NB link set vb up
ip -n $NA link add lo0 type ifb; ip -n $NA addr add 10.1.0.1/32 dev lo0; ip -n $NA link set lo0 up
ip -n $NB link add lo0 type ifb; ip -n $NB addr add 10.2.0.1/32 dev lo0; ip -n $NB link set lo0 up

mkconf() { # side local remote lts rts
	d=$W/$1; mkdir -p "$d/run" "$d/swanctl"
	cat > "$d/strongswan.conf" <<EOC
charon {
	load_modular = no
	load = random nonce aes des sha1 sha2 md5 hmac pem pkcs1 x509 pubkey gmp openssl kernel-libipsec kernel-netlink socket-default vici
	install_virtual_ip = no
	retransmit_tries = 3
	filelog {
		keys {
			path = $d/charon.log
			time_format = %H:%M:%S
			time_add_ms = yes
			default = 1
			ike = 4
			chd = 4
			flush_line = yes
		}
	}
	plugins {
		vici { socket = unix://$d/run/charon.vici }
	}
}
swanctl { socket = unix://$d/run/charon.vici }
EOC
	cat > "$d/swanctl/swanctl.conf" <<EOC
connections {
	ab {
		version = 1
		aggressive = no
		local_addrs = $2
		remote_addrs = $3
		proposals = $IKEP
		dpd_delay = 2s
		dpd_timeout = 10s
		local { auth = psk
			id = $2 }
		remote { auth = psk
			id = $3 }
		children {
			ab { local_ts = $4
				remote_ts = $5
				esp_proposals = $ESPP
				dpd_action = clear }
		}
	}
}
secrets {
	ike-ab { id-1 = 192.168.77.1
		id-2 = 192.168.77.2
		secret = "ihh-reference-psk" }
}
EOC
}
mkconf a 192.168.77.1 192.168.77.2 10.1.0.1/32 10.2.0.1/32
mkconf b 192.168.77.2 192.168.77.1 10.2.0.1/32 10.1.0.1/32

PCAP=$W/capture.pcapng
ip netns exec $NA tshark -q -i va -F pcapng -w "$PCAP" >"$W/tshark.out" 2>&1 &
PIDS="$PIDS $!"
for i in $(seq 50); do grep -q "Capturing on" "$W/tshark.out" && break; sleep 0.1; done
sleep 0.5

startcharon() { # ns side
	d=$W/$2
	ip netns exec $1 unshare -m --propagation private sh -c \
		"mount --bind $d/run /run && STRONGSWAN_CONF=$d/strongswan.conf exec /usr/lib/ipsec/charon" \
		>"$d/charon.stdout" 2>&1 &
	PIDS="$PIDS $!"
}
startcharon $NA a; startcharon $NB b
for s in a b; do
	for i in $(seq 50); do [ -S "$W/$s/run/charon.vici" ] && break; sleep 0.1; done
done
ip netns exec $NA swanctl --load-all --uri unix://$W/a/run/charon.vici --file $W/a/swanctl/swanctl.conf >/dev/null
ip netns exec $NB swanctl --load-all --uri unix://$W/b/run/charon.vici --file $W/b/swanctl/swanctl.conf >/dev/null
ip netns exec $NA swanctl --initiate --child ab --uri unix://$W/a/run/charon.vici >"$W/initiate.out"
sleep 0.5
ip netns exec $NA ping -c 3 -i 0.3 -I 10.1.0.1 10.2.0.1 >"$W/ping.out"
# idle: no traffic → DPD R-U-THERE after dpd_delay (RFC 3706 §5.4), answered with ACKs
sleep 7
ip netns exec $NA swanctl --terminate --ike ab --uri unix://$W/a/run/charon.vici >"$W/terminate.out"
sleep 1
cleanup; trap - EXIT INT TERM

# key table (Wireshark "IKEv1 Decryption Table" UAT): initiator cookie from the first
# ISAKMP message, Ka from the initiator's filelog ("encryption key Ka => N bytes" hexdump)
ICK=$(tshark -r "$PCAP" -Y isakmp -T fields -e isakmp.ispi 2>/dev/null | head -n 1 | tr -d ':\n')
KA=$(awk '/encryption key Ka =>/ { on = 1; next }
	on && $3 ~ /^[0-9]+:$/ { for (i = 4; i <= NF && $i ~ /^[0-9A-F][0-9A-F]$/; i++) k = k $i; next }
	on { exit } END { print tolower(k) }' "$W/a/charon.log")
[ -n "$ICK" ] && [ -n "$KA" ] || { echo "cookie or key not found" >&2; exit 1; }
printf '%s,%s\n' "$ICK" "$KA" > "$OUT/ikev1_decryption_table"
cp "$PCAP" "$OUT/capture.pcapng"; chmod 644 "$OUT/capture.pcapng"
cat "$OUT/ikev1_decryption_table"
ls -l "$OUT"
