// Package schedule parses the cron specs of icss's configuration (robfig/cron v3,
// five fields or a descriptor such as @daily, always with CRON_TZ=<zone>) and
// computes their run times with the daylight-saving behaviour a cut-off needs:
//
//   - a spec at fixed hours (a cut-off: "CRON_TZ=America/Toronto 30 2 * * *") fires
//     once per local calendar day and time: on the spring-forward day a time that
//     does not exist fires when the gap ends (03:00 for 02:30), where robfig/cron
//     skips the day; on the fall-back day a time that occurs twice fires at the
//     first occurrence only, where robfig/cron fires twice;
//   - a spec that fires every hour ("*/5 * * * *") keeps to real time: it goes on
//     every five minutes through both changes, as robfig/cron does.
//
// Run times are instants; a run is identified by its logical time (Key), so that
// a restart, a second node or a catch-up can never run the same one twice.
package schedule
