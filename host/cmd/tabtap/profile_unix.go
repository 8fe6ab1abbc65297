//go:build unix

package main

import (
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"syscall"
)

// profile starts profiling the daemon when TABTAP_PROFILE names a folder,
// for measuring it under load: a CPU profile over its whole life
// (cpu.pprof), and a heap profile each time it gets SIGUSR1 (heap-N.pprof)
// and when it ends (heap-end.pprof). It returns what ends the profiles.
func profile(log *slog.Logger) (stop func()) {
	dir := os.Getenv("TABTAP_PROFILE")
	if dir == "" {
		return func() {}
	}
	heap := func(name string) {
		runtime.GC()
		f, err := os.Create(filepath.Join(dir, name))
		if err == nil {
			err = pprof.WriteHeapProfile(f)
			f.Close()
		}
		if err != nil {
			log.Warn("TABTAP_PROFILE: writing a heap profile", "err", err)
		}
	}
	cpu, err := os.Create(filepath.Join(dir, "cpu.pprof"))
	if err == nil {
		err = pprof.StartCPUProfile(cpu)
	}
	if err != nil {
		log.Warn("TABTAP_PROFILE: starting the CPU profile", "err", err)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGUSR1)
	go func() {
		for n := 1; ; n++ {
			if _, ok := <-sig; !ok {
				return
			}
			heap(fmt.Sprintf("heap-%d.pprof", n))
		}
	}()
	log.Info("profiling", "folder", dir)
	return func() {
		signal.Stop(sig)
		close(sig)
		pprof.StopCPUProfile()
		if cpu != nil {
			cpu.Close()
		}
		heap("heap-end.pprof")
	}
}
