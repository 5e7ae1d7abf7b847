package config

import (
	"errors"
	"fmt"
	"strings"
)

// Error is one problem in a firm configuration file, located by file, line
// and field so that an operator can fix it without guessing:
//
//	firm.yml:14: engagements[0].rates.Bookkeeping: "95.0.0" is not a decimal amount
type Error struct {
	File  string // the file name as given to ParseFirm
	Line  int    // 1-based; 0 when the YAML reader gave no position
	Field string // dotted path such as "clients[2].currency"; empty for the whole file
	Msg   string
}

// Error formats e as "file:line: field: message".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrorList is every problem found in one configuration file, in file order.
// ParseFirm returns it when there is more than one problem.
type ErrorList []*Error

// Error prints one problem per line; the first line stands on its own.
func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find each *Error in the list.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// Errors returns the located problems inside err: the list of an ErrorList,
// the one *Error, or nil when err carries neither.
func Errors(err error) []*Error {
	var list ErrorList
	if errors.As(err, &list) {
		return list
	}
	var one *Error
	if errors.As(err, &one) {
		return []*Error{one}
	}
	return nil
}

// EnvError is a problem with one environment variable. The message never
// contains the variable's value when the variable holds a secret.
type EnvError struct {
	Var string
	Msg string
}

// Error formats e as "VAR: message".
func (e *EnvError) Error() string { return e.Var + ": " + e.Msg }
