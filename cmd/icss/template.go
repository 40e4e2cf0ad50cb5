package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/icss/icss/transforms/tabular"
)

type templateOptions struct {
	Format       string
	Mapping      string
	WriteMapping string
}

func newTemplateCommand() *cobra.Command {
	var opts templateOptions
	cmd := &cobra.Command{
		Use:   "template [--format xlsx|csv] [--mapping FILE] [--write-mapping FILE] OUT",
		Short: "Write the carrier manifest template (XLSX or CSV) that icss normalize reads",
		Long: `Template writes an empty carrier manifest template to OUT: for xlsx, a Manifest
sheet with the header row of every column and a Guide sheet explaining each one (its
record field, whether it is required, its unit); for csv, the header line. The
format defaults to OUT's extension.

The columns are those of the default mapping, or of --mapping FILE. --write-mapping
writes the mapping's YAML beside the template, for carriers to adapt: a carrier's
own layout needs a mapping file, not code.

Exit status: 0 on success, 2 for usage or I/O failure.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTemplate(opts, args[0])
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Format, "format", "", "xlsx or csv (default: from OUT's extension, else xlsx)")
	f.StringVar(&opts.Mapping, "mapping", "", "YAML column mapping to build the template from (default: the built-in one)")
	f.StringVar(&opts.WriteMapping, "write-mapping", "", "also write the mapping's YAML to FILE")
	return cmd
}

func runTemplate(opts templateOptions, out string) error {
	format := opts.Format
	if format == "" {
		format = "xlsx"
		if strings.EqualFold(filepath.Ext(out), ".csv") {
			format = "csv"
		}
	}
	if format != "xlsx" && format != "csv" {
		return &usageError{fmt.Errorf("--format %q is not xlsx or csv", format)}
	}
	m := tabular.DefaultMapping()
	yaml := tabular.DefaultMappingYAML()
	if opts.Mapping != "" {
		var err error
		if m, err = tabular.LoadMapping(opts.Mapping); err != nil {
			return &usageError{err}
		}
		if yaml, err = os.ReadFile(opts.Mapping); err != nil {
			return err
		}
	}
	var b bytes.Buffer
	if err := tabular.WriteTemplate(&b, m, format); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	// Templates are handed to carriers: readable by all, like any document.
	if err := writeFileAtomic(out, b.Bytes()); err != nil {
		return err
	}
	if err := os.Chmod(out, 0o644); err != nil {
		return err
	}
	if opts.WriteMapping != "" {
		if err := writeFileAtomic(opts.WriteMapping, yaml); err != nil {
			return err
		}
		return os.Chmod(opts.WriteMapping, 0o644)
	}
	return nil
}
