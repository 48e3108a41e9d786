#!/bin/sh
# fhrp_keepalived.sh — refgw's VRRP (vrrp-a.cfg, priority 200) against keepalived in one
# VRRP v2 group on one segment, both directions of takeover:
#   1. keepalived priority 100: refgw Master; refgw stops (priority 0) → keepalived Master;
#      refgw back → preempts keepalived.
#   2. keepalived priority 250: keepalived Master, refgw Backup; keepalived stops
#      (priority 0) → refgw Master.
#   fhrp_keepalived.sh BUILD_DIR [OUTDIR]      (root; exit 77 otherwise)
set -u
B=$1; OUT=${2:-/tmp/fhrp-keepalived}
D=$(cd "$(dirname "$0")" && pwd)
REFGW=$B/reference/refgw/refgw; CTL=$B/reference/ctl/refgwctl
[ "$(id -u)" = 0 ] || exit 77
[ -x /usr/sbin/keepalived ] || exit 77
NS=ihhdev-fhrp5
fail=0; PIDS=""
ok() { echo "PASS: $*"; }
ko() { echo "FAIL: $*"; fail=1; }
cleanup() {
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done
	sleep 0.5
	for p in $PIDS; do kill -KILL "$p" 2>/dev/null; done
	for n in a b sw; do ip netns del $NS-$n 2>/dev/null; done
}
trap cleanup EXIT
rm -rf "$OUT"; mkdir -p "$OUT"
for n in a b sw; do
	ip netns del $NS-$n 2>/dev/null; ip netns add $NS-$n; ip -n $NS-$n link set lo up
	ip netns exec $NS-$n sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ip -n $NS-sw link add br0 type bridge; ip -n $NS-sw link set br0 up
for n in a b; do
	ip -n $NS-sw link add p$n type veth peer name fa0-0 netns $NS-$n
	ip -n $NS-sw link set p$n master br0 up
done
ip -n $NS-b addr add 172.16.172.54/28 dev fa0-0; ip -n $NS-b link set fa0-0 up
ip netns exec $NS-b tcpdump -U --immediate-mode -i fa0-0 -n -e -w "$OUT/segment.pcap" >/dev/null 2>&1 &
PID_dump=$!; PIDS="$PIDS $!"
kconf() { # priority
	cat > "$OUT/keepalived-$1.conf" <<EOC
global_defs {
	router_id ihh_b
	vrrp_version 2
	vrrp_garp_master_delay 1
}
vrrp_instance VI_1 {
	state BACKUP
	interface fa0-0
	virtual_router_id 1
	priority $1
	advert_int 1
	virtual_ipaddress {
		172.16.172.53/28 dev fa0-0
	}
}
EOC
}
kstart() {
	kconf $1
	ip netns exec $NS-b /usr/sbin/keepalived -n -l -D -P -f "$OUT/keepalived-$1.conf" \
		-p "$OUT/ka.pid" -r "$OUT/ka-vrrp.pid" > "$OUT/keepalived-$1.log" 2>&1 &
	PID_k=$!; PIDS="$PIDS $!"
}
rstart() {
	ip netns exec $NS-a "$REFGW" -f "$D/vrrp-a.cfg" --log "$OUT/refgw.log" 2>>"$OUT/refgw.err" &
	PID_a=$!; PIDS="$PIDS $!"
}
rstate() { ip netns exec $NS-a "$CTL" --json show vrrp 2>/dev/null | sed -n 's/.*"state": *"\([A-Za-z]*\)".*/\1/p' | head -1; }
kmaster() { ip -n $NS-b -br addr show fa0-0 | grep -q 172.16.172.53; }
wait_for() { # seconds, condition...
	n=$(( $1 * 10 )); shift
	while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.1; n=$((n - 1)); done; return 1
}
is_master() { [ "$(rstate)" = Master ]; }
is_backup() { [ "$(rstate)" = Backup ]; }
knot() { ! kmaster; }
# --- 1
kstart 100; sleep 0.5; rstart
wait_for 8 is_master && wait_for 3 knot && ok "1: refgw Master, keepalived Backup" || ko "1: refgw $(rstate), keepalived VIP: $(kmaster && echo yes || echo no)"
ip netns exec $NS-a "$CTL" show vrrp > "$OUT/refgw-show-1.txt"
t0=$(date +%s%N); kill -TERM $PID_a; wait $PID_a 2>/dev/null
wait_for 5 kmaster && ok "1: keepalived Master $(( ($(date +%s%N) - t0) / 1000000 )) ms after refgw stopped" || ko "1: keepalived not Master"
rstart
wait_for 8 is_master && wait_for 3 knot && ok "1: refgw back, preempted keepalived" || ko "1: refgw $(rstate), keepalived VIP: $(kmaster && echo yes || echo no)"
sleep 1; kill -TERM $PID_a $PID_k; wait $PID_a $PID_k 2>/dev/null; sleep 0.5
# --- 2
kstart 250; sleep 0.5
wait_for 8 kmaster || ko "2: keepalived alone not Master"
rstart
wait_for 5 is_backup && sleep 2 && is_backup && ok "2: keepalived Master, refgw Backup" || ko "2: refgw $(rstate)"
ip netns exec $NS-a "$CTL" show vrrp > "$OUT/refgw-show-2.txt"
ip netns exec $NS-a "$CTL" --json show vrrp > "$OUT/refgw-show-2.json"
t0=$(date +%s%N); kill -TERM $PID_k; wait $PID_k 2>/dev/null
wait_for 5 is_master && ok "2: refgw Master $(( ($(date +%s%N) - t0) / 1000000 )) ms after keepalived stopped" || ko "2: refgw $(rstate)"
sleep 1; kill -TERM $PID_a; wait $PID_a 2>/dev/null
sleep 1; kill -INT $PID_dump; wait $PID_dump 2>/dev/null
tcpdump -n -e -r "$OUT/segment.pcap" 2>/dev/null > "$OUT/segment.txt"
grep -c 'prio 0' "$OUT/segment.txt" | sed 's/^/priority-0 adverts: /'
exit $fail
