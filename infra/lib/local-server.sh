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
