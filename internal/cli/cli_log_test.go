package cli

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCLIFirstUseSaysOnePlainLine: the first command on a fresh embedded
// database says in one plain line that it created the schema; JSON logs
// come only when LOG_FORMAT=json is asked for.
func TestCLIFirstUseSaysOnePlainLine(t *testing.T) {
	firm := filepath.Join("..", "..", "examples", "firm.yml")
	_, stderr, err := runCLI(t, t.TempDir(), map[string]string{"LOG_LEVEL": ""}, "config", "import", firm)
	if err != nil {
		t.Fatalf("config import: %v", err)
	}
	if !regexp.MustCompile(`^billbot: database schema created \(version \d+\)\n$`).MatchString(stderr) {
		t.Errorf("stderr = %q, want one plain line", stderr)
	}
	_, stderr, err = runCLI(t, t.TempDir(), map[string]string{"LOG_LEVEL": "", "LOG_FORMAT": "json"}, "config", "import", firm)
	if err != nil {
		t.Fatalf("config import: %v", err)
	}
	if !strings.Contains(stderr, `"msg":"applied migration"`) {
		t.Errorf("LOG_FORMAT=json: stderr = %q, want JSON logs", stderr)
	}
}

// TestDoctorOnFreshMachine: doctor migrates the embedded database like
// every other command and runs all its checks.
func TestDoctorOnFreshMachine(t *testing.T) {
	out, _, _ := runCLI(t, t.TempDir(), nil, "doctor")
	if !strings.Contains(out, "ok    database") || !strings.Contains(out, "config") || !strings.Contains(out, "harvest") {
		t.Errorf("doctor on a fresh data dir:\n%s", out)
	}
	if strings.Contains(out, "billbot migrate") {
		t.Errorf("doctor asks to run migrate on the embedded database:\n%s", out)
	}
}
