package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"billbot/store/storetest"
)

var importRows = flag.Int("import-rows", 200_000, "rows of BenchmarkImportCSV's file (1000000 for the million-row figure)")

// BenchmarkImportCSV runs `billbot import harvest-csv` as a process on a
// generated export of -import-rows rows into PostgreSQL, beside its
// baseline in the same run: psql's \copy (COPY … FROM STDIN) of the same
// file into a plain table of the file's columns — or, without psql, the
// same COPY sent by pgx. It reports the import's wall time over the
// baseline's (import/copy), its peak RSS (peak-MB) and CPU time over wall
// (cpu/wall, from the child's rusage), and an unchanged re-import's wall
// over the first's (reimport/first). The firm (benchFirm) has the file's
// clients, so the exception re-check after the import assesses every row.
//
// A second baseline shows what of the import is PostgreSQL's own work:
// psql's \copy of the rows the import stored (written out as CSV first,
// untimed) into an empty table made LIKE time_entries INCLUDING ALL — its
// columns, checks, primary key, the unique (source, external_id) that
// keeps an entry from being stored twice, and the date index. floor/copy
// is that copy over the file's; import/floor is the import over it, the
// part of the import that is billbot's (parsing, the COPY stream, the
// exception re-check, the process).
func BenchmarkImportCSV(b *testing.B) {
	n := *importRows
	dsn := storetest.PostgresURL(b)
	dir := b.TempDir()
	bin := filepath.Join(dir, "billbot")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	file := filepath.Join(dir, "time.csv")
	if err := writeBenchCSV(file, n); err != nil {
		b.Fatal(err)
	}
	env := append(os.Environ(), "DATABASE_URL="+dsn, "BILLBOT_DATA_DIR="+dir, "LOG_LEVEL=error")
	billbot := func(args ...string) *exec.Cmd {
		c := exec.Command(bin, args...)
		c.Env = env
		return c
	}
	firm := filepath.Join(dir, "firm.yml")
	if err := os.WriteFile(firm, []byte(benchFirm), 0o600); err != nil {
		b.Fatal(err)
	}
	for _, args := range [][]string{{"migrate"}, {"config", "import", firm}} {
		if out, err := billbot(args...).CombinedOutput(); err != nil {
			b.Fatalf("billbot %v: %v\n%s", args, err, out)
		}
	}
	schema := searchPath(b, dsn)
	admin, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close(context.Background())

	var copyWall, floorWall, first, again time.Duration
	var firstUse *syscall.Rusage
	baseline := "psql"
	for b.Loop() {
		if _, err := admin.Exec(context.Background(), `DROP TABLE IF EXISTS copy_baseline;
			CREATE TABLE copy_baseline (date date, client text, project text, task text, notes text, hours numeric,
			billable boolean, approved boolean, first_name text, last_name text, billable_rate numeric)`); err != nil {
			b.Fatal(err)
		}
		copyWall, baseline = copyBaseline(b, admin, dsn, schema, file)

		cmd := billbot("import", "harvest-csv", file)
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("import: %v\n%s", err, out)
		}
		first, firstUse = time.Since(start), cmd.ProcessState.SysUsage().(*syscall.Rusage)

		cmd = billbot("import", "harvest-csv", file)
		start = time.Now()
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("re-import: %v\n%s", err, out)
		}
		again = time.Since(start)
		if !strings.Contains(string(out), fmt.Sprintf("0 new, 0 updated, %d unchanged", n)) {
			b.Fatalf("re-import of an unchanged file: %s", out)
		}
		// Last: its million-row copy would leave the server busy writing
		// out what it dirtied while the re-import ran.
		floorWall = floorBaseline(b, admin, dsn, schema, filepath.Join(dir, "stored.csv"))
	}
	cpu := time.Duration(firstUse.Utime.Nano() + firstUse.Stime.Nano())
	b.ReportMetric(float64(n), "rows")
	b.ReportMetric(first.Seconds(), "import-s")
	b.ReportMetric(copyWall.Seconds(), "copy-s")
	b.ReportMetric(first.Seconds()/copyWall.Seconds(), "import/copy")
	b.ReportMetric(floorWall.Seconds(), "floor-s")
	b.ReportMetric(floorWall.Seconds()/copyWall.Seconds(), "floor/copy")
	b.ReportMetric(first.Seconds()/floorWall.Seconds(), "import/floor")
	b.ReportMetric(float64(firstUse.Maxrss)/1024, "peak-MB") // Linux: KiB
	b.ReportMetric(cpu.Seconds()/first.Seconds(), "cpu/wall")
	b.ReportMetric(again.Seconds(), "reimport-s")
	b.ReportMetric(again.Seconds()/first.Seconds(), "reimport/first")
	b.Logf("%d rows: import %v, unchanged re-import %v, %s baseline %v, the stored rows into a table like time_entries %v",
		n, first, again, baseline, copyWall, floorWall)
}

// copyBaseline copies file into copy_baseline with psql's \copy, or with
// the same COPY FROM STDIN sent by pgx when psql is absent, and returns
// the wall time.
func copyBaseline(b *testing.B, admin *pgx.Conn, dsn, schema, file string) (time.Duration, string) {
	b.Helper()
	if psql, err := exec.LookPath("psql"); err == nil {
		// libpq takes no search_path in a URL: name the schema instead.
		cmd := exec.Command(psql, libpqURL(dsn), "-v", "ON_ERROR_STOP=1", "-qc",
			fmt.Sprintf(`\copy %s.copy_baseline FROM '%s' WITH (FORMAT csv, HEADER true)`, schema, file))
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("psql \\copy: %v\n%s", err, out)
		}
		return time.Since(start), "psql \\copy"
	}
	f, err := os.Open(file)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	start := time.Now()
	if _, err := admin.PgConn().CopyFrom(context.Background(), f, "COPY copy_baseline FROM STDIN WITH (FORMAT csv, HEADER true)"); err != nil {
		b.Fatal(err)
	}
	return time.Since(start), "pgx COPY FROM STDIN"
}

// floorBaseline writes the stored time entries out as CSV (untimed), then
// times copying them back, with psql's \copy when it is there (else the
// same COPY FROM STDIN sent by pgx), into an empty table like
// time_entries, constraints and indexes included.
func floorBaseline(b *testing.B, admin *pgx.Conn, dsn, schema, file string) time.Duration {
	b.Helper()
	ctx := context.Background()
	out, err := os.Create(file)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := admin.PgConn().CopyTo(ctx, out, "COPY (SELECT * FROM time_entries ORDER BY id) TO STDOUT WITH (FORMAT csv)"); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
	if _, err := admin.Exec(ctx, `DROP TABLE IF EXISTS floor_baseline; CREATE TABLE floor_baseline (LIKE time_entries INCLUDING ALL)`); err != nil {
		b.Fatal(err)
	}
	defer admin.Exec(ctx, `DROP TABLE IF EXISTS floor_baseline`) // best effort: the schema is dropped after the run
	if psql, err := exec.LookPath("psql"); err == nil {
		cmd := exec.Command(psql, libpqURL(dsn), "-v", "ON_ERROR_STOP=1", "-qc",
			fmt.Sprintf(`\copy %s.floor_baseline FROM '%s' WITH (FORMAT csv)`, schema, file))
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("psql \\copy: %v\n%s", err, out)
		}
		return time.Since(start)
	}
	f, err := os.Open(file)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	start := time.Now()
	if _, err := admin.PgConn().CopyFrom(ctx, f, "COPY floor_baseline FROM STDIN WITH (FORMAT csv)"); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// libpqURL is dsn without its search_path parameter, which libpq does not
// take in a URL.
func libpqURL(dsn string) string {
	u, _ := url.Parse(dsn)
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	return u.String()
}

func searchPath(b *testing.B, dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		b.Fatal(err)
	}
	return u.Query().Get("search_path")
}

var benchClients = []string{"Client 1", "Client 2", "Client 3", "Client 4", "Client 5"}

// benchFirm bills benchClients hourly, every one mapped to QuickBooks, so
// that only the file's unapproved rows raise exceptions.
var benchFirm = func() string {
	var b strings.Builder
	b.WriteString("firm:\n  name: Bench CPA\nclients:\n")
	for i, c := range benchClients {
		fmt.Fprintf(&b, "  - name: %s\n    qbo_customer_id: \"%d\"\n", c, i+1)
	}
	b.WriteString("engagements:\n")
	for i, c := range benchClients {
		fmt.Fprintf(&b, "  - key: c%d\n    client: %s\n    harvest_project_id: %d\n    kind: hourly\n    starts_on: 2026-01-01\n    partner: U0PARTNER\n    rates: { \"*\": \"195.00\" }\n", i+1, c, i+1)
	}
	return b.String()
}()

// writeBenchCSV writes a Harvest detailed time export of n rows over
// benchFirm's five clients, October 2026; one row in ten is unapproved.
func writeBenchCSV(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	clients := benchClients
	tasks := []string{"Tax Prep", "Bookkeeping", "Advisory"}
	fmt.Fprintln(w, "Date,Client,Project,Task,Notes,Hours,Billable?,Approved?,First Name,Last Name,Billable Rate")
	for i := range n {
		fmt.Fprintf(w, "2026-10-%02d,%s,%s 2026,%s,entry %d,%d.%02d,Yes,%s,Staff,Member %d,195.00\n",
			1+i%30, clients[i%len(clients)], clients[i%len(clients)], tasks[i%len(tasks)], i, 1+i%6, 25*(i%4),
			map[bool]string{true: "Yes", false: "No"}[i%10 != 0], i%40)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
