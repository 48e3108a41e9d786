# Thin wrapper for the README's two commands. Everything real lives in CMake/CTest.
#   make demo   — install what is missing, build, run the headline failover testcase
#   make check  — install what is missing, build, run every test, then every test again built with ASan/UBSan
#   make bench  — install what is missing, build, then iperf3 through refgw, strongSwan and bare veth (not part of check)
BUILD      ?= build
BUILD_ASAN ?= build-asan
JOBS       ?= $(shell nproc)
DEMO       ?= cisco-hsrp-rri-failover
DEMO_SCALE ?= 0.1

# Every Debian package the project needs: toolchain, libraries, the third-party
# daemons the drivers run, and tshark for independent decoding.
PACKAGES = build-essential cmake pkg-config clang libclang-rt-14-dev \
	check libsubunit-dev libssl-dev libpcap-dev libmnl-dev libnftnl-dev \
	iproute2 nftables iputils-ping tcpdump tshark procps python3 iperf3 \
	strongswan-charon strongswan-swanctl libcharon-extra-plugins \
	libstrongswan-extra-plugins libstrongswan-standard-plugins keepalived bird2

.PHONY: all deps build demo check check-asan fuzz bench clean lab-clean

all: build

# Idempotent: installs only what is missing. Services that packages would start in the
# root namespace are held back with a policy-rc.d for the duration of the install.
deps:
	@missing=""; for p in $(PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing$$missing"; \
		[ "$$(id -u)" = 0 ] || { echo "make deps: run as root to install packages"; exit 1; }; \
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
		rc=$$?; rm -f /usr/sbin/policy-rc.d; exit $$rc; \
	else echo "make deps: all packages present"; fi

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j$(JOBS)

demo: build
	$(BUILD)/netns-lab/netns-lab clean
	$(BUILD)/harness/core/harness run $(DEMO) --time-scale $(DEMO_SCALE)

check: build
	$(BUILD)/netns-lab/netns-lab clean
	cd $(BUILD) && ctest --output-on-failure -j2 --timeout 600
	$(MAKE) check-asan
	@leftover=$$(ip netns list | grep -c '^ihh-' || true); \
	if [ "$$leftover" != 0 ]; then echo "make check: $$leftover lab namespace(s) left behind"; ip netns list; exit 1; fi

# Every test again — unit, mutation, lab, testcases — under AddressSanitizer +
# UndefinedBehaviorSanitizer (leak detection on), except those labelled `realtime`: the
# runs that need third-party daemons at real time (keepalived, strongSwan) and the
# `@realtime` second runs; refgw's own sequences all run time-scaled here (keeps
# `make check` under 15 minutes on 2 cores).
check-asan: deps
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DIHH_SANITIZE=ON
	cmake --build $(BUILD_ASAN) -j$(JOBS)
	$(BUILD_ASAN)/netns-lab/netns-lab clean
	cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j2 --timeout 600 -LE realtime

# Throughput (iperf3 TCP, 1 stream) and IKEv1 set-up time: refgw <-> refgw, strongSwan <->
# strongSwan, bare veth, in lab namespaces; ends with one `refgw_mbps=… strongswan_mbps=…` line.
bench: build
	$(BUILD)/bench/ihh-bench --out $(BUILD)/bench-out

# libFuzzer targets (clang): build/fuzz/..., run e.g. build-fuzz/reference/codec/fuzz_isakmp -max_total_time=60
fuzz: deps
	cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DIHH_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug
	cmake --build build-fuzz -j$(JOBS)

lab-clean:
	$(BUILD)/netns-lab/netns-lab clean

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) build-fuzz
