// Package archtest holds the test of billbot's import graph: which layer
// each package belongs to, and which way the arrows between them may point
// (see archtest_test.go and the README's Layout).
package archtest
