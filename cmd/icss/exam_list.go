package main

import (
	"errors"
	"fmt"
	"os"
	"time"
	_ "time/tzdata" // port zones by name whatever the host has installed

	"github.com/spf13/cobra"

	"github.com/icss/icss/transforms/examlist"
)

type examListOptions struct {
	Assessments, Records, Out string
	Date, Port, Zone, Cutoff  string
	Force                     bool
}

func newExamListCommand() *cobra.Command {
	var opts examListOptions
	cmd := &cobra.Command{
		Use:   "list --assessments A.jsonl --records R.jsonl --out DIR [--date YYYY-MM-DD]",
		Short: "Write the exam list workbooks, one per port of examination and cut-off",
		Long: `List reads risk assessments (from "icss risk score") and the harmonized records they
assessed, and writes for each port of examination and day one exam list workbook,
DIR/<port>/<exam-list-id>.xlsx, with one row per selected container: referrals first,
then by score, then by container number. It prints one line per workbook: path, port
and number of rows.

--date keeps only that day (the records' arrival day at the port; default: every
day in the input). --port is the port of examination (UN/LOCODE) of records whose
port of arrival is not one, such as the US Schedule D port of a 309 for cargo landed
at Prince Rupert (CAPRR). --zone is the port's time zone, in which days, cut-offs
and the workbook's times are read. --cutoff cuts one list per port at that moment
(YYYY-MM-DDTHH:MM in the port's zone) instead of one per day.

A list already written is never replaced behind the officers' backs: when the file
exists with the same rows it is left as it is (and said so on standard error), with
other rows the command fails unless --force.

Exit status: 0 on success, 2 for usage, I/O or input errors (the message names the
file and line).`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runExamList(cmd, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Assessments, "assessments", "", "risk assessments, JSON lines (icss risk score)")
	f.StringVar(&opts.Records, "records", "", "harmonized records the assessments index, JSON lines")
	f.StringVar(&opts.Out, "out", "", "directory to write DIR/<port>/<exam-list-id>.xlsx into")
	f.StringVar(&opts.Date, "date", "", "only the lists of this day, YYYY-MM-DD (default: every day)")
	f.StringVar(&opts.Port, "port", "", "port of examination (UN/LOCODE) of records that name none, e.g. CAPRR")
	f.StringVar(&opts.Zone, "zone", "America/Vancouver", "the port's time zone (IANA name)")
	f.StringVar(&opts.Cutoff, "cutoff", "", "cut one list per port at YYYY-MM-DDTHH:MM (port time) instead of one per day")
	f.BoolVar(&opts.Force, "force", false, "replace a list already written with different rows")
	return cmd
}

func runExamList(cmd *cobra.Command, opts examListOptions) error {
	for _, req := range []struct{ flag, value string }{{"--assessments", opts.Assessments}, {"--records", opts.Records}, {"--out", opts.Out}} {
		if req.value == "" {
			return &usageError{fmt.Errorf("%s is required", req.flag)}
		}
	}
	loc, err := time.LoadLocation(opts.Zone)
	if err != nil {
		return &usageError{fmt.Errorf("--zone: %w", err)}
	}
	bo := examlist.BuildOptions{Day: opts.Date, Port: opts.Port, Location: loc}
	if opts.Cutoff != "" {
		if bo.Cutoff, err = time.ParseInLocation("2006-01-02T15:04", opts.Cutoff, loc); err != nil {
			return &usageError{fmt.Errorf("--cutoff %q is not YYYY-MM-DDTHH:MM", opts.Cutoff)}
		}
	}
	if err := bo.Validate(); err != nil {
		return &usageError{err}
	}
	as, err := os.Open(opts.Assessments)
	if err != nil {
		return err
	}
	defer as.Close()
	rs, err := openInput(opts.Records)
	if err != nil {
		return err
	}
	defer rs.Close()
	lists, err := examlist.Build(cmd.Context(), as, rs, bo)
	if err != nil {
		return err
	}
	if len(lists) == 0 {
		fmt.Fprintln(cmd.ErrOrStderr(), "no container selected: no exam list written")
		return nil
	}
	for _, l := range lists {
		path, unchanged, err := examlist.Save(opts.Out, l, opts.Force)
		if errors.Is(err, examlist.ErrListChanged) {
			return fmt.Errorf("%w; --force replaces it", err)
		}
		if err != nil {
			return err
		}
		if unchanged {
			fmt.Fprintf(cmd.ErrOrStderr(), "%s: already written with the same rows, left as it is\n", path)
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\t%d\n", path, l.Meta.Port, l.Meta.Rows)
	}
	return nil
}
