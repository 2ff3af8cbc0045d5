package runtime

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// watch starts the goroutines that end the run (the context, the -c
// child, the -p processes) and the one that runs self:signal:SIGUSR1
// probes. close() stops them.
func (r *runner) watch(ctx context.Context) {
	done := make(chan struct{})
	r.watchers = append(r.watchers, func() { close(done) })
	r.watching.Go(func() {
		select {
		case <-ctx.Done():
			r.requestStop()
		case <-done:
		}
	})
	if r.child != nil {
		r.watching.Go(func() {
			select {
			case <-r.child.Done():
				r.requestStop()
			case <-done:
			}
		})
	}
	if len(r.opts.PIDs) > 0 {
		w := watchPIDs(r.opts.PIDs)
		r.watchers = append(r.watchers, w.stop)
		r.watching.Go(func() {
			select {
			case <-w.done:
				r.requestStop()
			case <-done:
			}
		})
	}
	if len(r.self) > 0 || r.opts.Era == Era017 {
		r.watchSignal(done)
	}
}

// watchSignal runs the self:signal:SIGUSR1 probes whenever the process
// gets SIGUSR1; under Era017, where there are no such probes, SIGUSR1
// prints every map instead.
func (r *runner) watchSignal(done <-chan struct{}) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	r.watchers = append(r.watchers, func() { signal.Stop(ch) })
	r.watching.Go(func() {
		for {
			select {
			case <-ch:
				if r.opts.Era == Era017 && len(r.self) == 0 {
					r.requestDump()
					continue
				}
				for _, t := range r.self {
					if _, err := t.Fire(); err != nil {
						r.requestStop()
						return
					}
				}
			case <-done:
				return
			}
		}
	})
}

// pidWatcher closes done when every watched process has exited.
type pidWatcher struct {
	done     chan struct{}
	stopped  chan struct{} // closed by stop
	stopOnce sync.Once
	cancel   [2]int // pipe: closing the write end wakes poll(2); -1 when unused
}

// watchPIDs watches processes through pidfds (5.3), or by polling /proc
// where pidfd_open is missing. A process that does not exist counts as
// exited.
func watchPIDs(pids []int) *pidWatcher {
	w := &pidWatcher{done: make(chan struct{}), stopped: make(chan struct{}), cancel: [2]int{-1, -1}}
	fds, err := openPidfds(pids)
	if err == nil {
		err = unix.Pipe2(w.cancel[:], unix.O_CLOEXEC)
	}
	if err != nil {
		for _, fd := range fds {
			unix.Close(fd)
		}
		w.cancel = [2]int{-1, -1}
		go w.poll(pids)
		return w
	}
	go w.pollFDs(fds)
	return w
}

// openPidfds opens a pidfd per process that exists.
func openPidfds(pids []int) ([]int, error) {
	var fds []int
	for _, pid := range pids {
		fd, err := unix.PidfdOpen(pid, 0)
		switch {
		case err == nil:
			fds = append(fds, fd)
		case errors.Is(err, unix.ESRCH):
			// already gone
		default:
			return fds, err
		}
	}
	return fds, nil
}

// pollFDs waits until every pidfd is readable (its process exited) or
// the watcher is stopped.
func (w *pidWatcher) pollFDs(fds []int) {
	defer unix.Close(w.cancel[0])
	defer func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	}()
	for len(fds) > 0 {
		pfds := []unix.PollFd{{Fd: int32(w.cancel[0]), Events: unix.POLLIN}}
		for _, fd := range fds {
			pfds = append(pfds, unix.PollFd{Fd: int32(fd), Events: unix.POLLIN})
		}
		if _, err := unix.Poll(pfds, -1); err != nil && !errors.Is(err, unix.EINTR) {
			return
		}
		if pfds[0].Revents != 0 {
			return // stopped
		}
		var alive []int
		for i, fd := range fds {
			if pfds[i+1].Revents != 0 {
				unix.Close(fd)
			} else {
				alive = append(alive, fd)
			}
		}
		fds = alive
	}
	close(w.done)
}

// poll checks every 100 ms whether the processes still exist.
func (w *pidWatcher) poll(pids []int) {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		alive := false
		for _, pid := range pids {
			if unix.Kill(pid, 0) != unix.ESRCH {
				alive = true
			}
		}
		if !alive {
			close(w.done)
			return
		}
		select {
		case <-t.C:
		case <-w.stopped:
			return
		}
	}
}

// stop ends the watcher.
func (w *pidWatcher) stop() {
	w.stopOnce.Do(func() {
		close(w.stopped)
		if w.cancel[1] >= 0 {
			unix.Close(w.cancel[1])
		}
	})
}

// requestDump asks the loop to print every map.
func (r *runner) requestDump() {
	r.dumpMaps.Store(true)
	if r.rd != nil {
		_ = r.rd.Flush()
	}
}
