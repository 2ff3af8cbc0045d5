package kernel

import "sync"

// cache memoizes the results (values and errors) of a lookup by key.
//
// The lookup runs without the lock held, so lookups may call other caches
// (or this one) freely; when two goroutines race on one key the first
// result stored wins and both return it, which keeps identity: a name
// always maps to the same pointer.
type cache[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]result[V]
}

type result[V any] struct {
	v   V
	err error
}

func (c *cache[K, V]) get(k K, lookup func() (V, error)) (V, error) {
	c.mu.RLock()
	r, ok := c.m[k]
	c.mu.RUnlock()
	if ok {
		return r.v, r.err
	}
	v, err := lookup()
	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := c.m[k]; ok {
		return r.v, r.err
	}
	if c.m == nil {
		c.m = make(map[K]result[V])
	}
	c.m[k] = result[V]{v, err}
	return v, err
}

// lazy computes a value (or error) once, on first use.
type lazy[T any] struct {
	once sync.Once
	v    T
	err  error
}

func (l *lazy[T]) get(compute func() (T, error)) (T, error) {
	l.once.Do(func() { l.v, l.err = compute() })
	return l.v, l.err
}
