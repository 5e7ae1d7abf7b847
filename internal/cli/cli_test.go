package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs billbot in-process with an embedded database in a fresh
// folder and the given extra environment.
func runCLI(t *testing.T, dir string, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	getenv := func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		switch k {
		case "BILLBOT_DATA_DIR":
			return dir
		case "LOG_LEVEL":
			return "error"
		}
		return ""
	}
	var out, errb bytes.Buffer
	err = run(t.Context(), args, getenv, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), err
}

func TestCLIConfigRoundTripAndDryRun(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runCLI(t, dir, nil, "config", "import", filepath.Join("..", "..", "examples", "firm.yml"))
	if err != nil {
		t.Fatalf("config import: %v", err)
	}
	if !strings.Contains(out, "5 clients, 5 engagements") {
		t.Errorf("import output = %q", out)
	}
	exported, _, err := runCLI(t, dir, nil, "config", "export")
	if err != nil {
		t.Fatalf("config export: %v", err)
	}
	// What export prints imports again unchanged.
	again := filepath.Join(dir, "again.yml")
	if err := os.WriteFile(again, []byte(exported), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, dir, nil, "config", "import", again); err != nil {
		t.Fatalf("re-import of export: %v", err)
	}
	out, _, err = runCLI(t, dir, nil, "draft", "--dry-run", "--period-end", "2026-10-31")
	if err != nil {
		t.Fatalf("draft --dry-run: %v", err)
	}
	if !strings.Contains(out, "dry run: nothing stored or sent") {
		t.Errorf("dry-run output = %q", out)
	}
	if _, _, err := runCLI(t, dir, nil, "exceptions"); err != nil {
		t.Errorf("exceptions: %v", err)
	}
	if out, _, err := runCLI(t, dir, nil, "ar", "aging", "--as-of", "2026-11-30"); err != nil || !strings.Contains(out, "AR aging as of 2026-11-30") {
		t.Errorf("ar aging: %v %q", err, out)
	}
}

func TestCLIBadInputChangesNothing(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yml")
	if err := os.WriteFile(bad, []byte("firm:\n  name: X\n  timezone: Mars/Olympus\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := runCLI(t, dir, nil, "config", "import", bad)
	if err == nil || !strings.Contains(err.Error(), "bad.yml:3") || !strings.Contains(err.Error(), "timezone") {
		t.Fatalf("want an error naming bad.yml:3 and the field, got %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "billbot.db")); !os.IsNotExist(err) {
		t.Errorf("a rejected import created the database (stat: %v)", err)
	}
	for _, args := range [][]string{
		{"frobnicate"},
		{"draft", "--period-end", "31/10/2026"},
		{"config", "import"},
		{"jobs", "run"},
	} {
		_, _, err := runCLI(t, dir, nil, args...)
		if err == nil || exitCode(err) != 2 {
			t.Errorf("%v: want a usage error (exit 2), got %v", args, err)
		}
	}
	_, _, err = runCLI(t, dir, map[string]string{"LOG_LEVEL": "loud"}, "migrate")
	if err == nil || !strings.Contains(err.Error(), "LOG_LEVEL") {
		t.Errorf("bad LOG_LEVEL: got %v", err)
	}
}

func TestCLIHelp(t *testing.T) {
	out, _, err := runCLI(t, t.TempDir(), nil, "help")
	if exitCode(err) != 0 {
		t.Fatalf("help: %v", err)
	}
	for _, cmd := range []string{"serve", "migrate", "demo", "config import", "config export", "sync harvest", "import harvest-csv", "draft", "exceptions", "ar aging", "jobs list", "jobs run"} {
		if !strings.Contains(out, cmd) {
			t.Errorf("help lacks %q", cmd)
		}
	}
	out, _, err = runCLI(t, t.TempDir(), nil, "draft", "--help")
	if exitCode(err) != 0 || !strings.Contains(out, "--period-end") {
		t.Errorf("draft --help: %v %q", err, out)
	}
}

// TestCLIBadDatabaseMaxConns: a DATABASE_MAX_CONNS that is not a whole
// number from 1 stops serve and migrate before the database is opened.
func TestCLIBadDatabaseMaxConns(t *testing.T) {
	for _, v := range []string{"four", "0", "-2", "1.5"} {
		dir := t.TempDir()
		for _, cmd := range []string{"serve", "migrate"} {
			_, _, err := runCLI(t, dir, map[string]string{"DATABASE_MAX_CONNS": v}, cmd)
			if err == nil || !strings.Contains(err.Error(), "DATABASE_MAX_CONNS") || !strings.Contains(err.Error(), "want a whole number from 1") {
				t.Errorf("%s with DATABASE_MAX_CONNS=%q: got %v, want an error naming the variable", cmd, v, err)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "billbot.db")); !os.IsNotExist(err) {
			t.Errorf("DATABASE_MAX_CONNS=%q: the database was created (stat: %v)", v, err)
		}
	}
}
