#!/bin/sh
# fhrp_lab.sh — two refgw processes in two namespaces on one segment (a bridge in a third
# namespace) plus an observer host: HSRP or VRRP election, takeover on SIGTERM (Resign /
# priority 0, gratuitous ARP), tracked interface. Root only (exit 77 otherwise).
#
#   fhrp_lab.sh BUILD_DIR hsrp|vrrp [OUTDIR]
#
# Namespaces ihhdev-fhrp5-{a,b,c,sw}; removed at the end. Prints PASS/FAIL lines.
set -u
B=$1; P=$2; OUT=${3:-/tmp/fhrp-lab-$P}
D=$(cd "$(dirname "$0")" && pwd)
REFGW=$B/reference/refgw/refgw; CTL=$B/reference/ctl/refgwctl
[ "$(id -u)" = 0 ] || exit 77
NS=ihhdev-fhrp5
fail=0
ok() { echo "PASS: $*"; }
ko() { echo "FAIL: $*"; fail=1; }
cleanup() {
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done
	sleep 0.5
	for p in $PIDS; do kill -KILL "$p" 2>/dev/null; done
	for n in a b c sw; do ip netns del $NS-$n 2>/dev/null; done
}
PIDS=""
trap cleanup EXIT
rm -rf "$OUT"; mkdir -p "$OUT"
for n in a b c sw; do
	ip netns del $NS-$n 2>/dev/null; ip netns add $NS-$n; ip -n $NS-$n link set lo up
	ip netns exec $NS-$n sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ip -n $NS-sw link add br0 type bridge; ip -n $NS-sw link set br0 up
for n in a b c; do
	ip -n $NS-sw link add p$n type veth peer name fa0-0 netns $NS-$n
	ip -n $NS-sw link set p$n master br0 up
	ip -n $NS-sw link add t$n type veth peer name fa0-1 netns $NS-$n
	ip -n $NS-sw link set t$n up
done
ip -n $NS-c addr add 172.16.172.60/28 dev fa0-0; ip -n $NS-c link set fa0-0 up
ip netns exec $NS-c tcpdump -U --immediate-mode -i fa0-0 -n -e -w "$OUT/segment.pcap" >/dev/null 2>&1 &
PID_dump=$!; PIDS="$PIDS $!"
sleep 0.5
start() { # node
	ip netns exec $NS-$1 "$REFGW" -f "$D/$P-$1.cfg" --log "$OUT/$1.log" --time-scale 1 2>>"$OUT/$1.err" &
	eval "PID_$1=$!"; PIDS="$PIDS $!"
}
ctl() { n=$1; shift; ip netns exec $NS-$n "$CTL" "$@"; }
state() { # node → state word from json
	ip netns exec $NS-$1 "$CTL" --json show $SHOW 2>/dev/null | sed -n 's/.*"state": *"\([A-Za-z]*\)".*/\1/p' | head -1
}
if [ "$P" = hsrp ]; then SHOW=standby; ACT=Active; BAK=Standby; VMAC=00:00:0c:07:ac:01
else SHOW=vrrp; ACT=Master; BAK=Backup; VMAC=00:00:5e:00:01:01; fi
start a; sleep 0.3; start b
# HSRP: a lone router is Active after 2 x Holdtime; the pair settles within ~3 s at 300/1000 ms
for i in $(seq 1 60); do
	[ "$(state a)" = $ACT ] && [ "$(state b)" = $BAK ] && break; sleep 0.2
done
sa=$(state a); sb=$(state b)
[ "$sa" = $ACT ] && [ "$sb" = $BAK ] && ok "steady: a $sa, b $sb" || ko "steady: a $sa, b $sb"
ctl a show $SHOW > "$OUT/a-show.txt"; ctl a show $SHOW brief > "$OUT/a-brief.txt"
ctl b show $SHOW > "$OUT/b-show.txt"; ctl a --json show $SHOW > "$OUT/a-show.json"
ip -n $NS-a -br addr show > "$OUT/a-links.txt"; ip -n $NS-a -br link show >> "$OUT/a-links.txt"
ip -n $NS-a -br addr show fa0-0.v1 | grep -q 172.16.172.53 && ok "a: VIP on fa0-0.v1" || ko "a: no VIP on fa0-0.v1"
ip -n $NS-a link show fa0-0.v1 | grep -q $VMAC && ok "a: vMAC $VMAC" || ko "a: vMAC"
ip -n $NS-b link show fa0-0.v1 >/dev/null 2>&1 && ko "b has a vMAC link" || ok "b: no vMAC link"
# the observer resolves the VIP to the vMAC
ip netns exec $NS-c ping -c 2 -W 1 172.16.172.53 >/dev/null && ok "c pings the VIP" || ko "c cannot ping the VIP"
ip -n $NS-c neigh show 172.16.172.53 | grep -q $VMAC && ok "c: VIP at $VMAC" || ko "c: VIP at $(ip -n $NS-c neigh show 172.16.172.53)"
# the real address still resolves to the real MAC
ip netns exec $NS-c ping -c 1 -W 1 172.16.172.52 >/dev/null
ip -n $NS-c neigh show 172.16.172.52 | grep -q $VMAC && ko "c: a's real IP at the vMAC" || ok "c: a's real IP at its own MAC"
if [ "$P" = hsrp ]; then
	# track: fa0-1 down on a → 200-150 = 50 < 100 → b preempts (Coup), a Resigns→Speak
	ip -n $NS-a link set fa0-1 down
	for i in $(seq 1 40); do [ "$(state b)" = Active ] && break; sleep 0.1; done
	[ "$(state b)" = Active ] && ok "track: b Active after a's fa0-1 down" || ko "track: b $(state b)"
	ip -n $NS-a link set fa0-1 up
	for i in $(seq 1 40); do [ "$(state a)" = Active ] && break; sleep 0.1; done
	[ "$(state a)" = Active ] && ok "track: a preempts back" || ko "track: a $(state a)"
	sleep 1
fi
# cable pull (a loses carrier), then interface shutdown in a's namespace (admin down):
# a goes Init and drops its vMAC link; b takes over within Holdtime / Master_Down_Interval
for fault in "ip -n $NS-sw link set pa" "ip -n $NS-a link set fa0-0"; do
	$fault down
	for i in $(seq 1 50); do [ "$(state b)" = $ACT ] && break; sleep 0.1; done
	sa=$(state a); sb=$(state b)
	[ "$sa" = Init ] && [ "$sb" = $ACT ] && ok "'$fault down': a $sa, b $sb" || ko "'$fault down': a $sa, b $sb"
	ip -n $NS-a link show fa0-0.v1 >/dev/null 2>&1 && ko "a kept its vMAC link while down" || ok "a: no vMAC link while down"
	$fault up
	for i in $(seq 1 80); do [ "$(state a)" = $ACT ] && [ "$(state b)" = $BAK ] && break; sleep 0.1; done
	[ "$(state a)" = $ACT ] && [ "$(state b)" = $BAK ] && ok "'$fault up': a preempts" || ko "'$fault up': a $(state a), b $(state b)"
done
sleep 0.5
# SIGTERM the Active/Master → Resign / priority 0 → b takes over at once
t0=$(date +%s%N)
kill -TERM $PID_a; wait $PID_a 2>/dev/null
for i in $(seq 1 50); do [ "$(state b)" = $ACT ] && break; sleep 0.05; done
t1=$(date +%s%N)
[ "$(state b)" = $ACT ] && ok "takeover: b $ACT after $(( (t1 - t0) / 1000000 )) ms" || ko "takeover: b $(state b)"
ip -n $NS-a link show fa0-0.v1 >/dev/null 2>&1 && ko "a left its vMAC link" || ok "a: vMAC link removed at exit"
ip -n $NS-b -br addr show fa0-0.v1 | grep -q 172.16.172.53 && ok "b: VIP on fa0-0.v1" || ko "b: no VIP"
ip netns exec $NS-c ip neigh flush dev fa0-0
ip netns exec $NS-c ping -c 2 -W 1 172.16.172.53 >/dev/null && ok "c pings the VIP via b" || ko "c cannot ping the VIP via b"
ctl b show $SHOW > "$OUT/b-show-after.txt"
# restart a: it preempts (HSRP preempt / VRRP default preempt)
start a
for i in $(seq 1 80); do [ "$(state a)" = $ACT ] && [ "$(state b)" = $BAK ] && break; sleep 0.1; done
[ "$(state a)" = $ACT ] && [ "$(state b)" = $BAK ] && ok "a back and preempted" || ko "after restart: a $(state a), b $(state b)"
sleep 1; kill -TERM $PID_a $PID_b; wait $PID_a $PID_b 2>/dev/null
sleep 1; kill -INT $PID_dump; wait $PID_dump 2>/dev/null
tcpdump -n -e -r "$OUT/segment.pcap" 2>/dev/null > "$OUT/segment.txt"
if [ "$P" = hsrp ]; then
	grep -c 'HSRPv0-resign' "$OUT/segment.txt" | sed 's/^/resign frames: /'
	grep -c 'HSRPv0-coup' "$OUT/segment.txt" | sed 's/^/coup frames: /'
else
	grep -c 'prio 0' "$OUT/segment.txt" | sed 's/^/priority-0 adverts: /'
fi
grep -c "$VMAC > ff:ff:ff:ff:ff:ff.*Request who-has 172.16.172.53 tell 172.16.172.53" "$OUT/segment.txt" | sed 's/^/gratuitous ARPs from the vMAC: /'
for n in a b; do grep -c 'ERROR\|runtime error\|AddressSanitizer' "$OUT/$n.err" >/dev/null && ko "$n stderr: $(head -3 "$OUT/$n.err")"; done
exit $fail
