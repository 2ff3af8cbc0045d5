package attach

import (
	"errors"
	"io"
	"sync"
)

// maxParallelClose bounds the goroutines (and so OS threads, each blocked
// in close(2)) that CloseAll uses. Detaches that run together share RCU
// grace periods, so a few dozen at once already make the total about one
// grace period per batch.
const maxParallelClose = 64

// CloseAll closes every attachment concurrently and returns their errors
// joined. Detaching a perf-event based hook (tracepoints, kprobes,
// uprobes, perf events) waits for an RCU grace period in the kernel, 60-90
// ms each on some kernels; closing them one after another would make exit
// take seconds with many probes.
func CloseAll(as []Attachment) error {
	cs := make([]io.Closer, 0, len(as))
	for _, a := range as {
		if a != nil {
			cs = append(cs, a)
		}
	}
	return closeParallel(cs)
}

// closeParallel closes cs concurrently, at most maxParallelClose at a time.
func closeParallel(cs []io.Closer) error {
	switch len(cs) {
	case 0:
		return nil
	case 1:
		return cs[0].Close()
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		sem  = make(chan struct{}, maxParallelClose)
	)
	for _, c := range cs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := c.Close(); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
