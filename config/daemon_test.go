package config

import (
	"strings"
	"testing"
)

// What `icss run` adds is checked like the rest: every error names its field.
func TestDaemonErrorsNameTheField(t *testing.T) {
	t.Parallel()
	ep := func(name, role, dirs string) string {
		return `{name: ` + name + `, role: ` + role + `, addr: "h:22", user: u, key_file: k, known_hosts_file: kh, ` + dirs + `}`
	}
	carrier := ep("c", "carrier", "inbox: in, outbox: out")
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"NoZone", "endpoints: [" + carrier + "]\nschedules: [{name: pull, spec: '*/5 * * * *', stage: pull}]",
			[]string{"schedules[0].spec:", "must start with CRON_TZ="}},
		{"BadZone", "endpoints: [" + carrier + "]\nschedules: [{name: pull, spec: 'CRON_TZ=Mars/Olympus 0 6 * * *', stage: pull}]",
			[]string{"schedules[0].spec:", "not an IANA time zone"}},
		{"BadStage", "endpoints: [" + carrier + "]\nschedules: [{name: x, spec: 'CRON_TZ=UTC 0 6 * * *', stage: fly}]",
			[]string{"schedules[0].stage:"}},
		{"TwiceNamed", "endpoints: [" + carrier + "]\nschedules: [{name: x, spec: 'CRON_TZ=UTC 0 6 * * *', stage: pull}, {name: x, spec: 'CRON_TZ=UTC 0 7 * * *', stage: pull}]",
			[]string{"schedules[1].name:"}},
		{"BadRole", "endpoints: [" + ep("c", "shipper", "inbox: in") + "]", []string{"endpoints[0].role:"}},
		{"CarrierWithoutInbox", "endpoints: [" + ep("c", "carrier", "outbox: out") + "]", []string{"endpoints[0].role: a carrier endpoint needs an inbox"}},
		{"PortEndpointMissing", "endpoints: [" + carrier + "]\nports: [{code: CAPRR, endpoint: prr, cutoffs: 'CRON_TZ=America/Vancouver 0 6 * * *'}]",
			[]string{"ports[0].endpoint:"}},
		{"PortWrongRole", "endpoints: [" + carrier + "]\nports: [{code: CAPRR, endpoint: c, cutoffs: 'CRON_TZ=America/Vancouver 0 6 * * *'}]",
			[]string{`ports[0].endpoint: "c" has role "carrier"`}},
		{"PortCode", "endpoints: [" + ep("p", "port", "outbox: l") + "]\nports: [{code: prr, endpoint: p, cutoffs: 'CRON_TZ=UTC 0 6 * * *'}]",
			[]string{"ports[0].code:"}},
		{"EmailWithoutSMTP", "endpoints: [" + ep("p", "port", "outbox: l") + "]\nports: [{code: CAPRR, endpoint: p, cutoffs: 'CRON_TZ=UTC 0 6 * * *', email: [a@b.example]}]",
			[]string{"ports[0].email: needs smtp"}},
		{"SMTP", "endpoints: [" + carrier + "]\nsmtp: {host: relay.example, tls: none}", []string{"smtp.from:", "smtp.tls:"}},
		{"HTTPOpen", "endpoints: [" + carrier + "]\nhttp: {addr: '0.0.0.0:9470'}", []string{"http.addr:", "loopback"}},
		{"Jobs", "endpoints: [" + carrier + "]\njobs: {workers: -1, retry_backoff: 1m, retry_backoff_max: 1s}",
			[]string{"jobs.workers:", "jobs.retry_backoff_max:"}},
		{"ReturnsNeedKey", "endpoints: [" + ep("p", "port", "outbox: l, inbox: r") + "]", []string{"endpoints[0].inbox: returns are imported as signed evidence"}},
		{"ResultsNeedPartner", "endpoints: [" + carrier + "]\nresults: {batch_dir: b, sftp_endpoint: c}",
			[]string{`results.sftp_endpoint: "c" has role "carrier"`, "signing_key: is required with results"}},
		{"BadSigningKey", "endpoints: [" + carrier + "]\nsigning_key: {env: K}", []string{"signing_key: signing: not a PEM"}},
		{"Acks", "endpoints: [" + carrier + "]\nacks: {sender: ZZ, format: '998'}", []string{"acks.sender:", "acks.format:"}},
		{"Risk", "endpoints: [" + carrier + "]\nrisk: {rules: nope.yaml, capacity: -1}", []string{"risk.rules:", "risk.capacity:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tt.yaml), t.TempDir(), env(map[string]string{"K": "not a key"}))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
}
