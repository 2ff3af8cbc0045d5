// Package suggest finds the name a user probably meant, for the
// "did you mean" hints of the front end's diagnostics.
package suggest

// Distance is the Levenshtein distance between a and b.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Closest returns the candidate nearest to name, other than name itself,
// if its distance is below limit; otherwise "".
func Closest(name string, candidates []string, limit int) string {
	best, bestD := "", limit
	for _, cand := range candidates {
		if d := Distance(name, cand); d < bestD && cand != name {
			best, bestD = cand, d
		}
	}
	return best
}
