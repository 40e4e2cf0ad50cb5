package state_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/icss/icss/internal/testkit/golden"
	"github.com/icss/icss/storage/state"
)

// Both dialects carry the same migrations, so a database of either kind is at
// the same schema for the same version.
func TestMigrationsInStep(t *testing.T) {
	lite, err := state.Migrations(state.DriverSQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := state.Migrations(state.DriverPostgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) != len(pg) {
		t.Fatalf("%d SQLite migrations, %d PostgreSQL", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].Version != i+1 || lite[i].Name != pg[i].Name {
			t.Errorf("migration %d: SQLite %s, PostgreSQL %s", i+1, lite[i].Name, pg[i].Name)
		}
	}
	if _, err := state.Migrations("mysql"); err == nil {
		t.Error("migrations of an unknown driver")
	}
}

// TestSchemaGolden keeps the SQLite schema the migrations produce in
// testdata/schema.sqlite.sql, so that a schema change shows in review.
func TestSchemaGolden(t *testing.T) {
	ctx := context.Background()
	l, err := state.Open(ctx, state.Config{Driver: state.DriverSQLite, DSN: filepath.Join(t.TempDir(), "s.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	rows, err := l.DB().QueryContext(ctx, `SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type DESC, name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		b.WriteString(s + ";\n\n")
	}
	golden.Compare(t, filepath.Join("testdata", "schema.sqlite.sql"), []byte(b.String()))
}
