package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"billbot/internal/config"
	"billbot/jobs"
)

func jobsListCommand() command {
	return command{
		name:    "jobs list",
		summary: "Show each scheduled job, its schedule in the firm's time zone, its next run and its last runs.",
		run: func(ctx context.Context, c *cli, fs *flag.FlagSet) error {
			st, _, firm, err := c.firm(ctx)
			if err != nil {
				return err
			}
			loc := firm.Location()
			now := c.now()
			tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "JOB\tSCHEDULE (%s)\tNEXT\tLAST RUN\tSTATUS\tDETAIL\n", loc)
			specs := firm.File.Schedules.ByJob()
			for _, name := range []string{config.JobSync, config.JobDraft, config.JobCollections, config.JobApprovals} {
				next := "—"
				if ticks, err := jobs.Ticks(specs[name], loc, now, now.Add(8*24*time.Hour)); err == nil && len(ticks) > 0 {
					next = ticks[0].In(loc).Format("2006-01-02 15:04")
				}
				last, status, detail := "never", "", ""
				if runs, err := st.Runs(ctx, name, 1); err == nil && len(runs) > 0 {
					r := runs[0]
					last, status, detail = r.StartedAt.In(loc).Format("2006-01-02 15:04"), r.Status, r.Detail
					if status == "" {
						status = "running (or died)"
					}
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", name, specs[name], next, last, status, strings.ReplaceAll(detail, "\n", " "))
			}
			return tw.Flush()
		},
	}
}

func jobsRunCommand() command {
	return command{
		name:    "jobs run",
		args:    "NAME",
		summary: "Run one job now (sync, draft, collections or approvals), recorded like a scheduled run.",
		run: func(ctx context.Context, c *cli, fs *flag.FlagSet) error {
			if fs.NArg() != 1 {
				return usagef("jobs run takes one NAME: sync, draft, collections or approvals")
			}
			st, err := c.migrated(ctx)
			if err != nil {
				return err
			}
			b, err := c.app.Billbot(ctx, st)
			if err != nil {
				return err
			}
			var job jobs.Job
			for _, j := range b.Jobs() {
				if j.Name() == fs.Arg(0) {
					job = j
				}
			}
			if job == nil {
				return usagef("no job %q: the jobs are sync, draft, collections and approvals", fs.Arg(0))
			}
			ran, err := b.Runner().RunOnce(ctx, job, c.now())
			if err != nil {
				return err
			}
			if !ran {
				return fmt.Errorf("%s did not run: another process is running it (or ran it this minute)", job.Name())
			}
			runs, err := st.Runs(ctx, job.Name(), 1)
			if err == nil && len(runs) > 0 {
				fmt.Fprintf(c.stdout, "%s: %s %s\n", job.Name(), runs[0].Status, runs[0].Detail)
			}
			return nil
		},
	}
}
