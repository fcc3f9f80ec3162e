# Sourced (not run) by scripts/test.sh, and by hand to run the reader test:
#
#   source scripts/lib/s3.sh && source scripts/lib/polars.sh && s3_start && polars_install &&
#     go test -run Polars ./query/ ; s3_stop
#
# polars_install installs nodejs-polars (MIT; Polars' Node.js binding, the
# same Rust engine, SQL and S3 reader as Python's polars) and its native
# build for this machine from the npm registry once, caching them in
# ${XDG_CACHE_HOME:-~/.cache}/zipin/nodejs-polars-VERSION, and exports
# ZIPIN_POLARS_MODULES (that folder's node_modules), which query's
# TestPolarsRunsTheDocsQueriesOnTheBucket reads. Why Polars and not DuckDB:
# the analysts' DuckDB query needs DuckDB's httpfs extension, which DuckDB
# downloads from its own site at first use and no registry these machines
# reach ships (docs/scale-out.md, "Reading the dataset from object storage").
# About 111 MB, a few seconds on a warm npm cache.
#
# The version is pinned: nodejs-polars' newer releases are not always built
# for every platform, and the native package must match it exactly.
POLARS_VERSION=0.25.2

polars_install() {
	local cache="${XDG_CACHE_HOME:-$HOME/.cache}/zipin/nodejs-polars-$POLARS_VERSION"
	local native
	case "$(uname -m)" in
	x86_64) native=nodejs-polars-linux-x64-gnu ;;
	aarch64 | arm64) native=nodejs-polars-linux-arm64-gnu ;;
	*)
		echo "nodejs-polars: no native build known for $(uname -m)" >&2
		return 1
		;;
	esac
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
		echo "nodejs-polars: node and npm are not installed" >&2
		return 1
	fi
	# Complete only once the native module is there: installed into a
	# temporary folder and moved into place, so an interrupted install is
	# not taken for a cached one.
	if ! ls "$cache"/node_modules/"$native"/*.node >/dev/null 2>&1; then
		echo "installing nodejs-polars $POLARS_VERSION once, into $cache"
		local tmp
		tmp=$(mktemp -d "${TMPDIR:-/tmp}/zipin-polars.XXXXXX")
		# The native package is named explicitly: npm leaves a pinned
		# package's platform build out when it is not the newest.
		if ! (cd "$tmp" && npm install --prefix "$tmp" --no-save --no-package-lock --no-audit --no-fund \
			--fetch-retries 1 --fetch-timeout 60000 \
			"nodejs-polars@$POLARS_VERSION" "$native@$POLARS_VERSION" >"$tmp/npm.log" 2>&1); then
			echo "nodejs-polars: npm install failed:" >&2
			tail -5 "$tmp/npm.log" >&2
			rm -rf "$tmp"
			return 1
		fi
		mkdir -p "$(dirname "$cache")"
		rm -rf "$cache"
		rm -f "$tmp/npm.log"
		mv "$tmp" "$cache"
	fi
	export ZIPIN_POLARS_MODULES="$cache/node_modules"
	echo "nodejs-polars $POLARS_VERSION: $ZIPIN_POLARS_MODULES"
}
