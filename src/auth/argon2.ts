// The argon2 binding: @node-rs/argon2. It ships prebuilt binaries as optional npm packages with
// no install script, verifies ~1.4x faster than `argon2` on this machine (109/s vs 74/s at
// m=19456 t=2 p=1, 4 in flight), and runs on libuv's thread pool like it. The `argon2` package's
// prebuilt linux glibc binary crashed on load here (SIGSEGV), which is what forced the look.
import argon2 from '@node-rs/argon2';
import type { Algorithm } from '@node-rs/argon2';

// Its `Algorithm` is a const enum, which per-file transpilation cannot inline: these are its values.
export const ARGON2D = 0 as Algorithm;
export const ARGON2I = 1 as Algorithm;
export const ARGON2ID = 2 as Algorithm;

export const { hash: argon2Hash, verify: argon2Verify } = argon2;
