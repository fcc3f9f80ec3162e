# Sourced (not run) by scripts/test.sh, and by hand to run the S3 tests:
#
#   source scripts/lib/s3.sh && s3_start && go test ./dataset/ ; s3_stop
#
# s3_start builds versitygw (Apache-2.0, an S3 gateway over a POSIX folder)
# from the Go module proxy once, caching the binary in $(go env GOPATH)/bin,
# starts it on 127.0.0.1 on a free port over a temporary data folder, and
# exports ZIPIN_S3_ENDPOINT, ZIPIN_S3_ACCESS_KEY, ZIPIN_S3_SECRET_KEY and
# ZIPIN_S3_REGION, which internal/testenv.S3 reads. s3_stop stops it and
# removes the folder. The first build downloads 75 modules (336 MB) and
# takes about 5 minutes of CPU (4 min 7 s user, 42 s system; 12 min of wall
# time on 2 cores at load average 12): aws-sdk-go-v2, fiber, the azure and
# vault clients come with it. So it is cached, and s3_build_start begins it
# in the background while the rest of scripts/test.sh installs packages and
# vets; the server starts in well under a second.
VERSITYGW_VERSION=v1.8.0
S3_LIB=$(realpath "${BASH_SOURCE[0]}")

# s3_build_start runs s3_build in the background, in a process group of its
# own so that s3_stop can end it whole; s3_start waits for it.
s3_build_start() {
	S3_BUILD_LOG=$(mktemp "${TMPDIR:-/tmp}/zipin-s3-build.XXXXXX")
	setsid bash -c "source '$S3_LIB' && s3_build" >"$S3_BUILD_LOG" 2>&1 &
	S3_BUILD_PID=$!
}

s3_build_wait() {
	[ -n "${S3_BUILD_PID:-}" ] || return 0
	local rc=0
	wait "$S3_BUILD_PID" || rc=$?
	cat "$S3_BUILD_LOG"
	rm -f "$S3_BUILD_LOG"
	S3_BUILD_PID=
	return $rc
}

s3_build() {
	S3_BIN="$(go env GOPATH)/bin/versitygw"
	if [ -x "$S3_BIN" ] && go version -m "$S3_BIN" 2>/dev/null | grep -q "mod[[:space:]]*github.com/versity/versitygw[[:space:]]*$VERSITYGW_VERSION"; then
		return 0
	fi
	echo "building versitygw $VERSITYGW_VERSION once, into $S3_BIN"
	local t0=$SECONDS
	(cd / && GOFLAGS= go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION") || return 1
	echo "built versitygw in $((SECONDS - t0))s"
}

s3_start() {
	s3_build_wait || return 1
	s3_build || return 1
	S3_DIR=$(mktemp -d "${TMPDIR:-/tmp}/zipin-s3.XXXXXX")
	mkdir -p "$S3_DIR/data" "$S3_DIR/meta"
	local key=zipin-test secret port i
	secret=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
	# A port nobody answers on, tried again if the server could not bind it
	# (another process took it in between).
	for i in 1 2 3 4 5 6 7 8 9 10; do
		port=$((20000 + RANDOM % 20000))
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			continue
		fi
		ROOT_ACCESS_KEY_ID=$key ROOT_SECRET_ACCESS_KEY=$secret \
			"$S3_BIN" --port "127.0.0.1:$port" --quiet posix --sidecar "$S3_DIR/meta" "$S3_DIR/data" \
			>"$S3_DIR/log" 2>&1 &
		S3_PID=$!
		# Up when it answers on the port (any HTTP status), or gone.
		local j
		for j in $(seq 1 300); do
			if ! kill -0 "$S3_PID" 2>/dev/null; then
				break
			fi
			if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
				export ZIPIN_S3_ENDPOINT="http://127.0.0.1:$port" ZIPIN_S3_ACCESS_KEY=$key \
					ZIPIN_S3_SECRET_KEY=$secret ZIPIN_S3_REGION=us-east-1
				echo "S3 server: versitygw $VERSITYGW_VERSION at $ZIPIN_S3_ENDPOINT (pid $S3_PID, data $S3_DIR)"
				return 0
			fi
			sleep 0.1
		done
		kill "$S3_PID" 2>/dev/null || true
		wait "$S3_PID" 2>/dev/null || true
	done
	echo "versitygw did not start:" >&2
	cat "$S3_DIR/log" >&2
	return 1
}

s3_stop() {
	if [ -n "${S3_BUILD_PID:-}" ]; then
		kill -- "-$S3_BUILD_PID" 2>/dev/null || true
		wait "$S3_BUILD_PID" 2>/dev/null || true
		rm -f "$S3_BUILD_LOG"
		S3_BUILD_PID=
	fi
	if [ -n "${S3_PID:-}" ]; then
		kill "$S3_PID" 2>/dev/null || true
		wait "$S3_PID" 2>/dev/null || true
		S3_PID=
	fi
	if [ -n "${S3_DIR:-}" ]; then
		rm -rf "$S3_DIR"
		S3_DIR=
	fi
}
