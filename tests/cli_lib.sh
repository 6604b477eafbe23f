# Shared by the command-line tests (sourced after AOTSIZE and tmp are set):
# run aotsize, check its exit status, stderr and stdout, count checks and
# failures.

failures=0
checks=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect STATUS PATTERN -- ARGS...: exit status and a stderr pattern (grep -E).
expect() {
  local want=$1 pattern=$2
  shift 3
  checks=$((checks + 1))
  timeout 60 "$AOTSIZE" "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" -ne "$want" ]; then
    fail "aotsize $* exited $got, want $want; stderr: $(head -3 "$tmp/err")"
  elif [ -n "$pattern" ] && ! grep -qE -- "$pattern" "$tmp/err"; then
    fail "aotsize $*: stderr does not match /$pattern/: $(head -3 "$tmp/err")"
  fi
}

# stdout_has PATTERN / stdout_lacks PATTERN: the last command's stdout.
stdout_has() {
  checks=$((checks + 1))
  grep -qE -- "$1" "$tmp/out" || fail "stdout does not match /$1/: $(head -5 "$tmp/out")"
}

stdout_lacks() {
  checks=$((checks + 1))
  ! grep -qE -- "$1" "$tmp/out" || fail "stdout matches /$1/: $(grep -E -- "$1" "$tmp/out" | head -3)"
}

# one_line: the last command wrote exactly one line to stderr.
one_line() {
  checks=$((checks + 1))
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "expected one line on stderr, got: $(cat "$tmp/err")"
}
