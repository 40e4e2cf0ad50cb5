package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// Profiling the binary as users run it: ICSS_CPUPROFILE=FILE writes a CPU profile of
// the whole process (start-up, reading, GC, report writing), ICSS_MEMPROFILE=FILE a heap
// profile (allocations since start) at exit. Read them with `go tool pprof bin/icss FILE`.
// Environment variables rather than flags, so that every subcommand is covered without
// touching its flags, and scripts can profile a command line unchanged.
const (
	envCPUProfile = "ICSS_CPUPROFILE"
	envMemProfile = "ICSS_MEMPROFILE"
)

// startProfiles starts what the environment asks for and returns the function that
// finishes the profiles; problems are reported on standard error, never fatal.
func startProfiles() (stop func()) {
	var cpu *os.File
	if name := os.Getenv(envCPUProfile); name != "" {
		f, err := os.Create(name)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "icss: %s: %v\n", envCPUProfile, err)
		} else {
			cpu = f
		}
	}
	return func() {
		if cpu != nil {
			pprof.StopCPUProfile()
			cpu.Close()
		}
		if name := os.Getenv(envMemProfile); name != "" {
			f, err := os.Create(name)
			if err == nil {
				runtime.GC() // up-to-date statistics
				err = pprof.Lookup("allocs").WriteTo(f, 0)
				if cerr := f.Close(); err == nil {
					err = cerr
				}
			}
			if err != nil {
				fmt.Fprintf(os.Stderr, "icss: %s: %v\n", envMemProfile, err)
			}
		}
	}
}
