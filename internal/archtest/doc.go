// Package archtest holds the test that keeps the direction of imports
// described in ARCHITECTURE.md: it lists every package of the module with
// go list and fails on an import against a rule. It has no code of its own.
package archtest
