# Shared by the accept benchmarks (accept-vs-postfix.sh, accept-stores.sh): a private Postfix
# instance that holds everything it accepts, and smtp-source runs timed in messages per second.
# The sourcing script sets work, postfix_conf, POSTFIX_PORT, SESSIONS, source_bin and die().
# shellcheck shell=bash

# ---- Postfix: a private instance on loopback, holding everything it accepts -------------------
setup_postfix() {
  local q="$work/postfix/queue" d="$work/postfix/data"
  mkdir -p "$postfix_conf" "$q" "$d"
  cat >"$postfix_conf/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $q
data_directory = $d
mail_owner = postfix
setgid_group = postdrop
myhostname = postfix.bench.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_peername_lookup = no
# Every message goes to the hold queue: accepted and fsync'd, never delivered.
smtpd_recipient_restrictions = check_client_access static:HOLD, permit_mynetworks, reject_unauth_destination
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
message_size_limit = 26214400
default_process_limit = 200
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_client_message_rate_limit = 0
alias_maps =
alias_database =
local_recipient_maps =
biff = no
maillog_file = $work/postfix/maillog
CONF
  # The distribution's services, without chroot (the private queue has no /etc inside), and the
  # SMTP listener on the benchmark port.
  sed -e 's/^\([a-z0-9]*[ \t]*\(unix\|unix-dgram\|inet\|fifo\|pass\)[ \t]*[-yn][ \t]*[-yn][ \t]*\)[-y]/\1n/' \
      -e "s/^smtp      inet/127.0.0.1:$POSTFIX_PORT inet/" \
      /usr/share/postfix/master.cf.dist >"$postfix_conf/master.cf"
  chown postfix "$d"
  postfix -c "$postfix_conf" set-permissions >/dev/null 2>&1 || true
  postfix -c "$postfix_conf" check >/dev/null 2>&1 || postfix -c "$postfix_conf" check
  postfix -c "$postfix_conf" start >/dev/null 2>&1 || die "postfix did not start: see $work/postfix/maillog"
}

wait_port() {
  for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  die "nothing listens on port $1"
}

# rate PORT LENGTH PER_CONNECTION COUNT -> prints messages per second
rate() {
  local port=$1 len=$2 per=$3 count=$4 start end
  start=$(date +%s.%N)
  if [ "$per" = 1 ]; then
    "$source_bin" -s "$SESSIONS" -m "$count" -l "$len" -f from@bench.test -t to@example.net \
      "127.0.0.1:$port" >/dev/null
  else
    # -d keeps each session's connection for its next message: SESSIONS*PER messages per round
    # is PER messages on each of SESSIONS connections.
    local round=$((SESSIONS * per)) done=0
    while [ "$done" -lt "$count" ]; do
      "$source_bin" -d -s "$SESSIONS" -m "$round" -l "$len" -f from@bench.test -t to@example.net \
        "127.0.0.1:$port" >/dev/null
      done=$((done + round))
    done
    count=$done
  fi
  end=$(date +%s.%N)
  awk -v n="$count" -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", n / (b - a) }'
}

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

