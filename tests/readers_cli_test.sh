#!/usr/bin/env bash
# `newsdesk user add` and `newsdesk user role`: the first admin from the
# command line, passwords from a flag or stdin, weak ones refused.
# Usage: readers_cli_test.sh PATH/TO/newsdesk
set -uo pipefail
nd=$1
source "$(dirname "$0")/lib.sh"
data=$tmp/data

check "user add --help documents --role" bash -c "'$nd' user add --help | grep -q -- --role"
check "adds an admin with --password" bash -c \
  "'$nd' user add Admin@Example.org --role admin --password 'correct horse battery' --data '$data' | grep -q 'admin@example.org (admin) as admin'"
check "the audit log records the account made" bash -c \
  "'$nd' audit --data '$data' | grep -qE 'cli:user add +user.add +user:1 +admin\$'"
check "reads the password from stdin when not given" bash -c \
  "echo 'another long secret' | '$nd' user add mod@example.org --role moderator --name Mod --data '$data' | grep -q 'as moderator'"
check "refuses a short password" bash -c "! echo 'short' | '$nd' user add a@example.org --data '$data' 2>/dev/null"
check "refuses a password of few characters" bash -c \
  "'$nd' user add b@example.org --password aaaaaaaaaaaa --data '$data' 2>&1 | grep -q 'too weak'"
check "refuses the e-mail as password" bash -c \
  "! '$nd' user add c@example.org --password c@example.org --data '$data' 2>/dev/null"
check "refuses an unknown role" bash -c \
  "'$nd' user add d@example.org --role king --password 'correct horse battery' --data '$data' 2>&1 | grep -q 'unknown role'"
check "refuses a taken address, saying so" bash -c \
  "'$nd' user add admin@example.org --password 'correct horse battery' --data '$data' 2>&1 | grep -q 'has an account already'"
check "changes a role" bash -c "'$nd' user role mod@example.org editor --data '$data' | grep -q 'now editor'"
check "the audit log records the role change" bash -c \
  "'$nd' audit --action user.role --data '$data' | grep -qE 'cli:user role +user.role +user:2 +Mod\$'"
check "an unknown account is an error" bash -c "! '$nd' user role nobody@example.org editor --data '$data' 2>/dev/null"
# A change the audit log cannot record is made all the same, with a warning.
python3 -c "import sqlite3; c = sqlite3.connect('$data/newsdesk.db'); c.execute(\"CREATE TRIGGER no_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'log refused'); END\"); c.commit()"
"$nd" user role mod@example.org moderator --data "$data" >"$tmp/out" 2>"$tmp/err"
check "a change the audit log refuses stays, and the command says so" bash -c \
  "[[ $? -eq 0 ]] && grep -q 'now moderator' '$tmp/out' && grep -q 'the audit log did not record it: log refused' '$tmp/err'"
finish
