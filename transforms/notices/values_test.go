package notices

import "testing"

func TestValues(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		max  int
		want string
	}{
		{"  MAERSK*KOWLOON~ ", 28, "MAERSK KOWLOON"},
		{"A>B^C", 10, "A B C"},
		{"JOE’S", 10, "JOE   S"},
		{"ABCDEFGHIJ", 5, "ABCDE"},
		{"ABCD EFGH", 5, "ABCD"},
	} {
		if got := x12Value(tt.in, tt.max); got != tt.want {
			t.Errorf("x12Value(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
	for in, want := range map[string]string{"Fraser Surrey Docks": "Fraser Surrey Docks", "Montréal": "Montr\xe9al", "Kraków ☃": "Krak\xf3w", "a\x01b": "a b"} {
		if got := edifactValue(in, 35); got != want {
			t.Errorf("edifactValue(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPeekKey(t *testing.T) {
	t.Parallel()
	for line, want := range map[string]string{
		`{"schema":"icss.harmonized/1","key":"MAEU123456","bill":{}}`: "MAEU123456",
		`{"bill":{"number":"1"},"key":"X1"}`:                          "X1",
		`{"key":"A\"B"}`:                                              "",
		`{"schema":"x"}`:                                              "",
	} {
		got, ok := peekKey([]byte(line))
		if got != want || ok != (want != "") {
			t.Errorf("peekKey(%s) = %q, %v; want %q", line, got, ok, want)
		}
	}
}
