package redact

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestNeverPrinted(t *testing.T) {
	type cfg struct {
		User     string
		Password Bytes
	}
	c := cfg{User: "icss", Password: Bytes("hunter2")}
	var out strings.Builder
	fmt.Fprintf(&out, "%v %+v %#v %s", c, c, c, c.Password)
	j, _ := json.Marshal(c)
	out.Write(j)
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "cfg", c, "pw", c.Password)
	out.Write(logged.Bytes())
	if strings.Contains(out.String(), "hunter2") {
		t.Errorf("value printed: %s", out.String())
	}
	if string(c.Password) != "hunter2" {
		t.Error("value lost")
	}
}
