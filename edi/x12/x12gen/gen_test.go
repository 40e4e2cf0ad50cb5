package x12gen

import (
	"bytes"
	"testing"
)

func TestCheckDigit(t *testing.T) {
	for _, tt := range []struct {
		id   string
		want bool
	}{
		{"CSQU3054383", true}, {"MSKU7351770", true}, {"HASU5044950", true}, {"CSQU0000070", true},
		{"HLXU1234560", false}, {"GMCU6094137", false},
	} {
		got := CheckDigit(tt.id) == int(tt.id[10]-'0')
		if got != tt.want {
			t.Errorf("%s: valid = %v, want %v", tt.id, got, tt.want)
		}
	}
}

func TestDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	var bills int
	if _, err := New(Options{Seed: 7, Bills: 25}).Write(&a, func(*Bill) { bills++ }); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{Seed: 7, Bills: 25}).WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) || bills != 25 {
		t.Fatalf("not deterministic or wrong bill count %d", bills)
	}
}
