package state_test

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/internal/testkit/pgtest"
	"github.com/icss/icss/storage/state"
	"github.com/icss/icss/storage/state/statetest"
)

func sqliteDB(t testing.TB) state.Config {
	return state.Config{Driver: state.DriverSQLite, DSN: filepath.Join(t.TempDir(), "ledger.db")}
}

func TestSQLiteContract(t *testing.T) {
	statetest.Suite{NewDB: sqliteDB}.Run(t)
}

func TestPostgresContract(t *testing.T) {
	srv := pgtest.Start(t)
	statetest.Suite{NewDB: func(t testing.TB) state.Config {
		return state.Config{Driver: state.DriverPostgres, DSN: srv.NewDatabase(t)}
	}}.Run(t)
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  state.Config
		want string
	}{
		{"NoDriver", state.Config{DSN: "x"}, "Driver is empty"},
		{"BadDriver", state.Config{Driver: "mysql", DSN: "x"}, `Driver "mysql"`},
		{"NoDSN", state.Config{Driver: "sqlite"}, "DSN is empty"},
		{"NegativeConns", state.Config{Driver: "sqlite", DSN: "x", MaxOpenConns: -1}, "MaxOpenConns"},
		{"NegativeBusy", state.Config{Driver: "sqlite", DSN: "x", BusyTimeout: -1}, "BusyTimeout"},
		{"OK", state.Config{Driver: "postgres", DSN: "postgres://u@h/db"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func BenchmarkSQLite(b *testing.B) {
	statetest.Suite{NewDB: sqliteDB}.Bench(b)
}

func BenchmarkPostgres(b *testing.B) {
	srv := pgtest.Start(b)
	statetest.Suite{NewDB: func(t testing.TB) state.Config {
		return state.Config{Driver: state.DriverPostgres, DSN: srv.NewDatabase(t)}
	}}.Bench(b)
}

// A connection error never shows the password of the DSN.
func TestOpenErrorHidesPassword(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = state.Open(ctx, state.Config{Driver: state.DriverPostgres, DSN: "postgres://icss:s3cr3t-pw@" + addr + "/db?sslmode=disable&connect_timeout=2"})
	if err == nil {
		t.Fatal("Open succeeded against a closed port")
	}
	if strings.Contains(err.Error(), "s3cr3t-pw") {
		t.Fatalf("error shows the password: %v", err)
	}
}
