#!/usr/bin/env bash
# Airflow scaled out for real on this machine: PostgreSQL metadata (database sohoa_airflow),
# CeleryExecutor on Redis, and the processes of a distributed install, each in the
# background with its pid and log under var/celery/:
#   scheduler, api-server, dag-processor, and $SOHOA_CELERY_WORKERS Celery workers (default 2).
#
#   scripts/airflow-celery.sh start     # (make airflow-celery) ready when it returns
#   scripts/airflow-celery.sh stop      # (make airflow-celery-stop)
#   scripts/airflow-celery.sh env       # the environment, to source in a shell or another machine
#
# REST API: http://127.0.0.1:$SOHOA_AIRFLOW_PORT (default 28080), user `sohoa`, password in
# var/celery/passwords.json (simple auth manager; JWT from POST /auth/token).
# dags/README.md explains how the same settings spread over several machines.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV_BIN="${SOHOA_VENV_BIN:-$REPO/.venv/bin}"
RUN_DIR="${SOHOA_CELERY_DIR:-$REPO/var/celery}"
PG="${SOHOA_AIRFLOW_PG:-postgresql+psycopg://postgres@127.0.0.1:5432}"
PG_DB="${SOHOA_AIRFLOW_DB:-sohoa_airflow}"
REDIS="${SOHOA_AIRFLOW_BROKER:-redis://127.0.0.1:6379/5}"
PORT="${SOHOA_AIRFLOW_PORT:-28080}"
WORKERS="${SOHOA_CELERY_WORKERS:-2}"
CONCURRENCY="${SOHOA_CELERY_CONCURRENCY:-1}"   # task slots per worker: one Tesseract each

write_env() {
  mkdir -p "$RUN_DIR/airflow_home"
  # secrets shared by every process (and every machine): made once, kept in the run folder
  [[ -s "$RUN_DIR/jwt_secret" ]] || "$VENV_BIN/python" -c 'import secrets; print(secrets.token_urlsafe(32))' >"$RUN_DIR/jwt_secret"
  [[ -s "$RUN_DIR/passwords.json" ]] || "$VENV_BIN/python" -c 'import json, secrets; print(json.dumps({"sohoa": secrets.token_urlsafe(12)}))' >"$RUN_DIR/passwords.json"
  cat >"$RUN_DIR/env.sh" <<ENV
export AIRFLOW_HOME="$RUN_DIR/airflow_home"
export AIRFLOW__CORE__EXECUTOR=CeleryExecutor
export AIRFLOW__CORE__DAGS_FOLDER="$REPO/dags"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=True
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="$PG/$PG_DB"
# psycopg 3 serves the async engine too (Airflow would otherwise want asyncpg)
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC="${PG/+psycopg/+psycopg_async}/$PG_DB"
export AIRFLOW__CELERY__BROKER_URL="$REDIS"
export AIRFLOW__CELERY__RESULT_BACKEND="db+$PG/$PG_DB"
export AIRFLOW__CELERY__WORKER_CONCURRENCY=$CONCURRENCY
export AIRFLOW__API__PORT=$PORT
export AIRFLOW__API__BASE_URL="http://127.0.0.1:$PORT"
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://127.0.0.1:$PORT/execution/"
export AIRFLOW__API_AUTH__JWT_SECRET="$(cat "$RUN_DIR/jwt_secret")"
export AIRFLOW__CORE__AUTH_MANAGER=airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="sohoa:admin"
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE="$RUN_DIR/passwords.json"
export AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT=1200
export SOHOA_TASK_WORKERS=1
ENV
  # the pipeline's own settings reach every task as they are set here
  for v in SOHOA_DATA_DIR SOHOA_DATABASE_URL SOHOA_TESSERACT_TIMEOUT SOHOA_BATCH_HOLD_SHARE; do
    [[ -n "${!v:-}" ]] && echo "export $v=\"${!v}\"" >>"$RUN_DIR/env.sh"
  done
  return 0
}

launch() {  # name, command...: a process group of its own, so stop ends it and its children
  local name="$1"; shift
  setsid nohup "$@" >"$RUN_DIR/$name.log" 2>&1 < /dev/null &
  echo $! >"$RUN_DIR/$name.pid"
}

start() {
  write_env
  # shellcheck disable=SC1091
  source "$RUN_DIR/env.sh"
  for f in "$RUN_DIR"/*.pid; do
    [[ -e "$f" ]] && kill -0 "$(cat "$f")" 2>/dev/null && { echo "already running ($f); stop first" >&2; exit 1; }
  done
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$PG_DB'" | grep -q 1 \
    || createdb -h 127.0.0.1 -U postgres "$PG_DB"
  "$VENV_BIN/airflow" db migrate >"$RUN_DIR/db-migrate.log" 2>&1
  # every OCR task runs one Tesseract process: the pool is the installation's OCR concurrency
  "$VENV_BIN/airflow" pools set tesseract "$((WORKERS * CONCURRENCY))" \
    "Concurrent Tesseract processes (one per OCR task)" >>"$RUN_DIR/db-migrate.log" 2>&1
  launch api-server "$VENV_BIN/airflow" api-server --port "$PORT"
  launch scheduler "$VENV_BIN/airflow" scheduler
  launch dag-processor "$VENV_BIN/airflow" dag-processor
  for i in $(seq 1 "$WORKERS"); do
    AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=$((PORT + 700 + i)) \
      launch "worker-$i" "$VENV_BIN/airflow" celery worker --celery-hostname "sohoa-w$i@%h" \
      --concurrency "$CONCURRENCY"
  done
  for _ in $(seq 1 180); do
    if curl -fs "http://127.0.0.1:$PORT/api/v2/monitor/health" >/dev/null 2>&1; then
      echo "Airflow (CeleryExecutor, $WORKERS workers) is up: http://127.0.0.1:$PORT, user sohoa," \
        "password in $RUN_DIR/passwords.json; logs in $RUN_DIR"
      return 0
    fi
    sleep 1
  done
  echo "Airflow did not come up within 180 s; see $RUN_DIR/*.log" >&2
  stop
  exit 1
}

stop() {
  local f pid
  for f in "$RUN_DIR"/*.pid; do
    [[ -e "$f" ]] || continue
    pid="$(cat "$f")"
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for _ in $(seq 1 30); do
    local alive=0
    for f in "$RUN_DIR"/*.pid; do
      [[ -e "$f" ]] && kill -0 -- "-$(cat "$f")" 2>/dev/null && alive=1
    done
    [[ $alive == 0 ]] && break
    sleep 1
  done
  for f in "$RUN_DIR"/*.pid; do
    [[ -e "$f" ]] || continue
    kill -KILL -- "-$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
  echo "Airflow Celery stack stopped"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  env) write_env; cat "$RUN_DIR/env.sh" ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
