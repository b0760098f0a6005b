#!/bin/sh
# Ratios of the load benchmarks (issue 16), read from criterion's last run:
#   cargo bench --bench engine -- load && sh benches/ratios.sh
# Each figure is criterion's median; every ratio divides by the `ron` floor of the same
# size, so the machine's speed (and most of its noise) cancels out.
set -eu
dir=${CRITERION_DIR:-target/criterion}/load
median() { # group/size -> nanoseconds, or nothing when that benchmark has not run
    f="$dir/$1/$2/new/estimates.json"
    [ -f "$f" ] && jq -r '.median.point_estimate' "$f" || true
}
ms() { awk -v ns="$1" 'BEGIN { printf "%.2f ms", ns / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
printf '%-8s %-12s %-22s %-22s %-22s\n' size floor full_load lints reload_one_file
for n in 1000 10000 100000; do
    floor=$(median floor_ron_parse $n)
    [ -n "$floor" ] || continue
    line=$(printf '%-8s %-12s' $n "$(ms "$floor")")
    for b in full_load check_lints; do
        t=$(median $b $n)
        if [ -n "$t" ]; then cell="$(ms "$t") ($(ratio "$t" "$floor")x)"; else cell=-; fi
        line=$(printf '%s %-22s' "$line" "$cell")
    done
    t=$(median reload_one_file $n); full=$(median full_load $n)
    if [ -n "$t" ] && [ -n "$full" ]; then
        cell="$(ms "$t") ($(awk -v a="$t" -v b="$full" 'BEGIN { printf "%.1f", 100 * a / b }')% of load)"
    else cell=-; fi
    printf '%s %-22s\n' "$line" "$cell"
done
for b in floor_ron_parse full_load check_lints; do
    a=$(median $b 10000); c=$(median $b 100000)
    [ -n "$a" ] && [ -n "$c" ] && printf '100k / 10k %-16s %s\n' "$b" "$(ratio "$c" "$a")"
done
exit 0
