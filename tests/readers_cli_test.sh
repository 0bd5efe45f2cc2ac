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
check "an unknown account is an error" bash -c "! '$nd' user role nobody@example.org editor --data '$data' 2>/dev/null"
finish
