# Helpers shared by the scripts that run a server locally from a state folder (Kafka, Qdrant).
# Source it: `source "$here/../lib/local-server.sh"`.

# Prints a free loopback TCP port.
free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
  else
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
  fi
}

# stop_pidfile PIDFILE SIGNAL GRACE: sends SIGNAL to the process PIDFILE names, waits up to GRACE
# seconds for it to go (then SIGKILL), and removes PIDFILE.
stop_pidfile() {
  local pidfile="$1" signal="$2" grace="$3" pid deadline
  [[ -f "$pidfile" ]] || return 0
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "-$signal" "$pid" 2>/dev/null || true
    deadline=$(( SECONDS + grace ))
    while kill -0 "$pid" 2>/dev/null; do
      if (( SECONDS >= deadline )); then kill -KILL "$pid" 2>/dev/null || true; fi
      sleep 0.1
    done
  fi
  rm -f "$pidfile"
}

# parse_stop_args DEFAULT_GRACE ARGS...: reads a stop script's arguments (--dir DIR, --kill,
# --grace SECONDS, --purge) into the variables dir, signal, grace and purge; exits 2 on a bad one.
parse_stop_args() {
  dir=""; signal=TERM; grace="$1"; purge=0
  shift
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --dir) dir="$2"; shift 2 ;;
      --kill) signal=KILL; shift ;;
      --grace) grace="$2"; shift 2 ;;
      --purge) purge=1; shift ;;
      *) echo "stop.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
  done
  [[ -n "$dir" ]] || { echo "stop.sh: --dir is required" >&2; exit 2; }
}

# claim_state_dir NAME PIDFILE_NAME: makes the state folder in $dir (a new temp dir when empty),
# sets dir to its absolute path and pidfile to DIR/PIDFILE_NAME, and exits 1 when a server started
# from it still runs.
claim_state_dir() {
  local name="$1"
  [[ -n "$dir" ]] || dir="$(mktemp -d "${TMPDIR:-/tmp}/discern-$name.XXXXXX")"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  pidfile="$dir/$2"
  if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "start.sh: a $name server is already running from $dir (pid $(cat "$pidfile"))" >&2
    exit 1
  fi
}

# assign_ports MAIN SECOND: sets port (the one clients use) and second_port from DIR/ports when the
# folder was used before (a --port that differs from the recorded one exits 2), else picks free
# ones, keeping a --port given, and records them as MAIN_port=… and SECOND_port=….
assign_ports() {
  local main="$1" second="$2" file="$dir/ports" recorded
  if [[ -f "$file" ]]; then
    recorded="$(sed -n "s/^${main}_port=//p" "$file")"
    second_port="$(sed -n "s/^${second}_port=//p" "$file")"
    port="${port:-$recorded}"
    [[ "$port" == "$recorded" ]] || { echo "start.sh: $dir was created for port $recorded, not $port" >&2; exit 2; }
  else
    [[ -n "$port" ]] || port="$(free_port)"
    second_port="$(free_port)"
    while [[ "$second_port" == "$port" ]]; do second_port="$(free_port)"; done
    printf '%s_port=%s\n%s_port=%s\n' "$main" "$port" "$second" "$second_port" > "$file"
  fi
}
