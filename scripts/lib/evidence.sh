# Shared by the go-live commands (drills.sh, post_close.sh, go_no_go.sh) and the drills' code
# (kite_test.sh, backends_test.sh): what every evidence file records about the build and the
# configuration it was produced under. Sourced; the caller sets BIN (the aitrapp binary) and SRC
# (the checkout).

# The configuration's config_sha as the engine computes it (SHA-256 of its canonical JSON), read
# from `aitrapp verify`; $1 is the YAML file, empty for the embedded configs/app.yaml.
config_sha() {
  { "$BIN" verify ${1:+--config "$1"} --db /nonexistent/aitrapp.sqlite 2> /dev/null || true; } \
    | sed -n 's/^OK    config: valid, config_sha //p'
}

# The commit the binary was built from, with "-dirty" when the checkout has local changes.
git_sha() {
  local sha
  sha=$(git -C "$SRC" rev-parse HEAD 2> /dev/null) || { echo unknown; return; }
  git -C "$SRC" diff --quiet HEAD 2> /dev/null || sha="$sha-dirty"
  echo "$sha"
}

# UTC now as ISO 8601, and as the YYYYMMDD-HHMMSS stamp of report file names.
now_iso() { date -u +%Y-%m-%dT%H:%M:%SZ; }
now_stamp() { date -u +%Y%m%d-%H%M%S; }

# evidence KEY VALUE: one number a drill checked, as a JSON object appended to $DRILL_EVIDENCE
# (set by scripts/drills.sh, which merges them into the drill's report); nothing when unset.
evidence() {
  [ -z "${DRILL_EVIDENCE:-}" ] && return 0
  jq -nc --arg k "$1" --arg v "$2" '{($k): ($v | tonumber? // .)}' >> "$DRILL_EVIDENCE"
}
