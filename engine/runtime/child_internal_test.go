package runtime

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestPipedChild checks the hold used where ptrace is refused.
func TestPipedChild(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "ran")
	c, err := startPiped("/bin/sh", []string{"sh", "-c", "echo $$ > " + marker}, ChildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("the child ran before it was released")
	}
	if err := c.Release(); err != nil {
		t.Fatal(err)
	}
	<-c.Done()
	b, err := os.ReadFile(marker)
	if err != nil {
		t.Fatalf("the child did not run: %v", err)
	}
	if got, want := string(b), strconv.Itoa(c.Pid())+"\n"; got != want {
		t.Errorf("the command ran as pid %q, the child is %q", got, want)
	}
}

func TestPipedChildKilled(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "ran")
	c, err := startPiped("/bin/sh", []string{"sh", "-c", "echo > " + marker}, ChildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c.Kill()
	if _, err := os.Stat(marker); err == nil {
		t.Error("a killed child ran")
	}
}
