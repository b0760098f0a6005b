#!/bin/sh
# Every row of issue 16's table, measured in one run on the release build, printed as
# a markdown table for docs/performance.md ("How to rerun"):
#
#   sh benches/issue16.sh            # about 5 minutes on 2 cores
#
# - load ÷ floor at 1k/10k/100k scenes, lints ÷ floor, 100k ÷ 10k, reload of one edited
#   file ÷ load at 100k: the `load` group of benches/engine.rs (criterion medians);
# - engine step, replays of 1k/10k steps: its `engine` group; frame at 80×24 and the
#   first frame: benches/frame.rs — each beside issue 7's figure, limit +10%;
# - peak memory of `check` on the 100k story ÷ its source bytes: examples/peak_memory.rs
#   on a story written by examples/synth.rs into a temporary folder;
# - the game idle: the release binary on its first screen in a detached tmux (80×24,
#   HOME and its saves in the temporary folder), its CPU ticks read from /proc over 10
#   seconds.
#
# Every figure comes from this run: criterion writes into a fresh folder (not
# target/criterion), so no result of an earlier run can be read by mistake. Ratios
# divide figures of the same run, so most of a shared machine's noise cancels; the
# engine rows are absolute times, comparable with issue 7's only on a quiet machine
# (the load average is printed). MEASUREMENT_TIME (seconds, default 3) sets criterion's
# measurement time for the quick benchmarks; the load group keeps its own sampling
# (10 samples) so that the 100k loads stay within minutes.
set -eu
cd "$(dirname "$0")/.."
measure=${MEASUREMENT_TIME:-3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/issue16.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
export CRITERION_HOME="$tmp/criterion"

load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
echo "load average before: $load_before" >&2
cargo build --release --quiet --bin butterfly --example synth --example peak_memory
target/release/examples/synth --scenes 100000 --out "$tmp/synth100k" >/dev/null
criterion_flags="--noplot --measurement-time $measure --warm-up-time 1"
# shellcheck disable=SC2086 # the flags are words
cargo bench --quiet --bench engine -- '^(load|engine)/' $criterion_flags >&2
# shellcheck disable=SC2086
cargo bench --quiet --bench frame -- '^(frame/play_80x24/|startup)' $criterion_flags >&2
peak=$(target/release/examples/peak_memory "$tmp/synth100k")
# CPU ticks (user + system) of a process, from /proc/PID/stat (fields 14 and 15; the
# command name in field 2 is "butterfly", without spaces).
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }
idle=""
if command -v tmux >/dev/null 2>&1; then
    mkdir -p "$tmp/home"
    tmux -S "$tmp/tmux" new-session -d -x 80 -y 24 \
        "exec env HOME='$tmp/home' BUTTERFLY_SAVES='$tmp/saves' '$PWD/target/release/butterfly'"
    sleep 2
    pid=$(tmux -S "$tmp/tmux" list-panes -F '#{pane_pid}' 2>/dev/null || true)
    before=$(ticks "$pid")
    sleep 10
    after=$(ticks "$pid")
    tmux -S "$tmp/tmux" kill-server 2>/dev/null || true
    if [ -n "$before" ] && [ -n "$after" ]; then idle=$((after - before)); fi
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

# Criterion's median of one benchmark (its folder under $CRITERION_HOME), in ns.
median() {
    f="$CRITERION_HOME/$1/new/estimates.json"
    if [ -f "$f" ]; then jq -r '.median.point_estimate' "$f"; else echo ""; fi
}
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
# "a ÷ b" as a ratio, or "–" when either is missing.
# (Three decimals below 0.1, so that a small ratio does not print as 0.00×.)
ratio() {
    if [ -z "$1" ] || [ -z "$2" ]; then echo "–"; return; fi
    awk -v a="$1" -v b="$2" 'BEGIN { r = a / b; if (r < 0.1) printf "%.3f×", r; else printf "%.2f×", r }'
}
# A time in ns, with a unit that suits it.
time_of() {
    if [ -z "$1" ]; then echo "–"; return; fi
    awk -v ns="$1" 'BEGIN {
        if (ns >= 1e9) printf "%.3f s", ns / 1e9;
        else if (ns >= 1e6) printf "%.2f ms", ns / 1e6;
        else printf "%.2f µs", ns / 1e3 }'
}
# A number, or nothing.
number() { printf '%s\n' "$1" | grep -E '^[0-9]+([.][0-9]+)?$' || true; }
# yes/no: `value` at most `limit` ("–" without a value).
within() {
    v=$(number "$1")
    if [ -n "$v" ]; then calc "%s" "($v <= $2) ? \"yes\" : \"**no**\""; else echo "–"; fi
}

floor_1k=$(median load/floor_ron_parse/1000)
floor_10k=$(median load/floor_ron_parse/10000)
floor_100k=$(median load/floor_ron_parse/100000)
load_1k=$(median load/full_load/1000)
load_10k=$(median load/full_load/10000)
load_100k=$(median load/full_load/100000)
lints_1k=$(median load/check_lints/1000)
lints_10k=$(median load/check_lints/10000)
lints_100k=$(median load/check_lints/100000)
reload_100k=$(median load/reload_one_file/100000)
step=$(median engine/step_choices_and_choose)
replay_1k=$(median engine/replay/1000)
replay_10k=$(median engine/replay/10000)
frame_10=$(median frame/play_80x24/journal_10)
frame_1000=$(median frame/play_80x24/journal_1000)
first=$(median startup_embedded_story_to_first_frame_80x24)
first_key=$(median startup_embedded_story_compiled_to_title_80x24)

# The worst (largest) of some figures, for the verdict on a row with one target.
worst() { for v in "$@"; do number "$(printf '%s' "$v" | sed 's/×$//')"; done | sort -g | tail -1; }
load_worst=$(worst "$(ratio "$load_1k" "$floor_1k")" "$(ratio "$load_10k" "$floor_10k")" "$(ratio "$load_100k" "$floor_100k")")
lints_worst=$(worst "$(ratio "$lints_1k" "$floor_1k")" "$(ratio "$lints_10k" "$floor_10k")" "$(ratio "$lints_100k" "$floor_100k")")
growth() { if [ -n "$1" ] && [ -n "$2" ]; then calc "%.1f" "$2 / $1"; else echo "–"; fi; }
floor_growth=$(growth "$floor_10k" "$floor_100k")
load_growth=$(growth "$load_10k" "$load_100k")
lints_growth=$(growth "$lints_10k" "$lints_100k")
reload_share=$(if [ -n "$reload_100k" ] && [ -n "$load_100k" ]; then calc "%.1f" "100 * $reload_100k / $load_100k"; else echo "–"; fi)
peak_ratio=$(printf '%s\n' "$peak" | sed -n 's/.*(\([0-9.]*\)× source.*/\1/p')
peak_mb=$(printf '%s\n' "$peak" | sed -n 's/.*peak resident \([0-9.]*\) MB.*/\1/p')
source_mb=$(printf '%s\n' "$peak" | sed -n 's/.*source \([0-9.]*\) MB.*/\1/p')
# Issue 7's figures (docs/performance.md), in ns, and the limit: +10%.
engine_row() { # name, measured ns, issue 7's ns
    printf '| %s | %s | %s | %s | %s |\n' "$1" "$(time_of "$2")" "$(time_of "$3")" \
        "$(if [ -n "$2" ]; then calc "%+.0f%%" "100 * ($2 / $3 - 1)"; else echo "–"; fi)" \
        "$(within "$2" "$3 * 1.1")"
}

cat <<EOF
Measured $(date -u '+%d %B %Y, %H:%M UTC') by \`sh benches/issue16.sh\` (release build;
load average $load_before before, $load_after after).

| what (issue 16) | 1k | 10k | 100k | target | met? |
|---|---|---|---|---|---|
| floor: \`ron\` into the raw types | $(time_of "$floor_1k") | $(time_of "$floor_10k") | $(time_of "$floor_100k") | — | — |
| full load ÷ floor (read + parse + compile, no lints) | $(ratio "$load_1k" "$floor_1k") | $(ratio "$load_10k" "$floor_10k") | $(ratio "$load_100k" "$floor_100k") | ≤ 1.3× | $(within "$load_worst" 1.3) |
| whole-story lints ÷ floor | $(ratio "$lints_1k" "$floor_1k") | $(ratio "$lints_10k" "$floor_10k") | $(ratio "$lints_100k" "$floor_100k") | ≤ 0.4× | $(within "$lints_worst" 0.4) |
| 100k ÷ 10k: floor / full load / lints | | | $floor_growth / $load_growth / $lints_growth | lints ≤ 10.5 | $(within "$lints_growth" 10.5) |
| peak memory of \`check\`, 100k ($source_mb MB of files) | | | $peak_mb MB (${peak_ratio}×) | ≤ 2× source | $(within "$peak_ratio" 2) |
| reload after editing one file ÷ full load | | | ${reload_share}% ($(time_of "$reload_100k")) | ≤ 5% | $(within "$reload_share" 5) |

| engine (issue 7's figures + 10%) | now | issue 7 | change | met? |
|---|---|---|---|---|
EOF
engine_row "one step: list the choices and apply one" "$step" 1390
engine_row "replay of 1,000 steps" "$replay_1k" 550000
engine_row "replay of 10,000 steps" "$replay_10k" 11700000
engine_row "play-screen frame 80×24, journal 10" "$frame_10" 72000
engine_row "play-screen frame 80×24, journal 1,000" "$frame_1000" 73000
engine_row "start-up to first frame (in-process; the story compiles meanwhile)" "$first" 1370000
printf '| %s | %s | %s | %s | %s |\n' \
    "start-up until the first key can be handled (story compiled, title drawn)" \
    "$(time_of "$first_key")" "(1.37 ms then meant this)" "–" "not a row of the issue"
printf '| %s | %s | %s | – | %s |\n' "the game idle on its first screen (a new player: the content note), 10 s" \
    "$(if [ -n "$idle" ]; then echo "$idle CPU ticks"; else echo "–"; fi)" "0 CPU ticks" \
    "$(if [ -z "$idle" ]; then echo "–"; elif [ "$idle" -le 1 ]; then echo yes; else echo "**no**"; fi)"
