#!/usr/bin/env bash
# Xen PV with too little memory: a clear guest error and a crash verdict.
exec "$(dirname "$0")/boot-kernel" --xen --name xen-too-little-memory --mem 8 --expect-verdict FAIL --expect-line '^PANIC: mm: only'
