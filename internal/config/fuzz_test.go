package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"
)

// FuzzParseFirm: ParseFirm never panics, and once the YAML itself parses,
// every error names a line ≥ 1. Valid input also survives Export.
func FuzzParseFirm(f *testing.F) {
	for _, name := range []string{"testdata/contract.yml", "testdata/base.yml", "testdata/roundtrip.yml", "../../examples/firm.yml"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"", "firm:", "firm: {name: x}\nclients: [{}]\nengagements: [{}]",
		"firm: &a {name: *a}", "a: &a [*a, *a]", "firm:\n  schedules: {sync: \"TZ=UTC\"}",
		"firm: {name: x, reminder_days: [99999999999999999999]}",
		"engagements: [{rates: {\"*\": \"1e9\"}, retainer: {hours: \"-1\"}}]",
		"? [a]\n: b", "firm: !!binary aGVsbG8=", "--- a\n--- b", "\x00", "firm:\n\t- x",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		firm, err := ParseFirm("fuzz.yml", data)
		if err != nil {
			var doc yaml.Node
			if yaml.Unmarshal(data, &doc) != nil {
				return // the YAML itself is invalid: a line is best effort
			}
			errs := Errors(err)
			if len(errs) == 0 {
				t.Fatalf("error %T is not a config error: %v", err, err)
			}
			for _, e := range errs {
				if e.Line < 1 {
					t.Fatalf("error without a line: %v", e)
				}
			}
			return
		}
		out, err := Export(firm)
		if err != nil {
			t.Fatalf("Export: %v", err)
		}
		if _, err := ParseFirm("export.yml", out); err != nil {
			t.Fatalf("ParseFirm(Export(f)): %v\n%s", err, out)
		}
	})
}

// TestExampleFirm loads examples/firm.yml, the file operators copy.
func TestExampleFirm(t *testing.T) {
	t.Parallel()
	f, err := ReadFirm(filepath.Join("..", "..", "examples", "firm.yml"))
	if err != nil {
		t.Fatalf("examples/firm.yml: %v", err)
	}
	kinds := map[string]bool{}
	for _, e := range f.Engagements {
		kinds[string(e.Kind)] = true
	}
	for _, k := range []string{"hourly", "fixed_fee", "retainer", "mixed"} {
		if !kinds[k] {
			t.Errorf("examples/firm.yml has no %s engagement", k)
		}
	}
	cad := false
	for _, c := range f.Clients {
		cad = cad || c.Currency == "CAD"
	}
	if !cad || len(f.Clients) < 4 || len(f.Clients) > 5 {
		t.Errorf("examples/firm.yml: %d clients, CAD client %v; want 4–5 clients incl. one in CAD", len(f.Clients), cad)
	}
}

func TestErrorsFunc(t *testing.T) {
	t.Parallel()
	one := &Error{File: "f.yml", Line: 2, Field: "firm.name", Msg: "required"}
	if got := Errors(one); len(got) != 1 || got[0] != one {
		t.Errorf("Errors(*Error) = %v", got)
	}
	list := ErrorList{one, {File: "f.yml", Line: 3, Msg: "x"}}
	if got := Errors(list); len(got) != 2 {
		t.Errorf("Errors(ErrorList) = %v", got)
	}
	if Errors(errors.New("plain")) != nil {
		t.Error("Errors(plain error) is not nil")
	}
	if got, want := list.Error(), "f.yml:2: firm.name: required\nf.yml:3: x"; got != want {
		t.Errorf("ErrorList.Error() = %q, want %q", got, want)
	}
	if got, want := (&Error{File: "f.yml", Msg: "invalid YAML: x"}).Error(), "f.yml: invalid YAML: x"; got != want {
		t.Errorf("Error() without a line = %q, want %q", got, want)
	}
}
